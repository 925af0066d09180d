package io.countersign.notification;

import io.countersign.action.ActionService;
import io.countersign.action.ActionView;
import io.countersign.common.DomainException;
import io.countersign.common.ProblemException;
import io.countersign.review.Decision;
import io.countersign.review.InboxMember;
import io.countersign.review.ReviewService;
import io.countersign.review.Views.Reviewer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What a verified decision from Slack does: nothing for an unlinked Slack user (they get a link
 * to link their account), nothing for a person whose last sign-in through the identity provider is
 * too old, nothing for a request the step-up rules keep in the inbox, and otherwise the person's
 * decision with exactly the inbox's checks, as a member of the groups they signed in with.
 * Approve decides at the click; Reject and Request changes open a modal for the comment they
 * need and decide when it is submitted.
 */
@ApplicationScoped
public class SlackApprovals {

    /** The modal's callback id. */
    static final String MODAL = "countersign_decide";

    /** A button's value: the request, its review step and the payload digest the message showed. */
    record Target(UUID requestId, long taskKey, String digest) {
        static Optional<Target> parse(String value) {
            String[] v = value.split("\\|");
            try {
                return Optional.of(new Target(UUID.fromString(v[0]), Long.parseLong(v[1]), v.length > 2 ? v[2] : ""));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }

        String value() {
            return requestId + "|" + taskKey + "|" + digest;
        }
    }

    /** The person a click counts for, or why it counts for nobody. */
    record Who(Reviewer reviewer, String refusal) {
    }

    /** Whether a decision was recorded, and what the clicker is told. */
    record Result(boolean recorded, String text) {
    }

    @Inject
    NotificationConfig config;

    @Inject
    SlackStore store;

    @Inject
    SlackLinks links;

    @Inject
    SlackApi api;

    @Inject
    ReviewService reviews;

    @Inject
    ActionService actions;

    /** Records an approval; the text goes to the clicker only. */
    String approve(String team, String slackUser, String value) {
        Optional<Target> t = Target.parse(value);
        if (t.isEmpty()) {
            return "This button is not one of Countersign's.";
        }
        Who who = who(team, slackUser, t.get());
        return who.refusal() != null ? who.refusal()
                : decide(who.reviewer(), t.get(), Decision.APPROVE, "Approved in Slack").text();
    }

    /**
     * Opens the comment modal of a Reject or Request changes click; returns the text to tell the
     * clicker instead when the click counts for nobody.
     */
    Optional<String> openComment(String team, String slackUser, String value, Decision decision, String triggerId) {
        Optional<Target> t = Target.parse(value);
        if (t.isEmpty()) {
            return Optional.of("This button is not one of Countersign's.");
        }
        Who who = who(team, slackUser, t.get());
        if (who.refusal() != null) {
            return Optional.of(who.refusal());
        }
        boolean reject = decision == Decision.REJECT;
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("type", "plain_text_input");
        input.put("action_id", "comment");
        input.put("multiline", true);
        input.put("min_length", 1);
        input.put("max_length", 2000);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", "modal");
        view.put("callback_id", MODAL);
        view.put("private_metadata", decision.name() + "|" + t.get().value());
        view.put("title", SlackBlocks.plain(reject ? "Reject request" : "Request changes"));
        view.put("submit", SlackBlocks.plain(reject ? "Reject" : "Send"));
        view.put("close", SlackBlocks.plain("Cancel"));
        view.put("blocks", List.of(Map.of("type", "input", "block_id", "comment", "label", SlackBlocks.plain(reject
                ? "Why is it rejected? The agent's owner reads this." : "What should change? The agent reads this."),
                "element", input)));
        api.call("views.open", Map.of("trigger_id", triggerId, "view", view));
        return Optional.empty();
    }

    /** Decides a submitted comment modal; returns Slack's per-block errors (empty: the modal closes). */
    Map<String, String> submitComment(String team, String slackUser, String metadata, String comment) {
        String[] m = metadata.split("\\|", 2);
        Optional<Target> t = m.length == 2 ? Target.parse(m[1]) : Optional.empty();
        Decision decision = m.length == 2 && (m[0].equals("REJECT") || m[0].equals("REQUEST_CHANGES"))
                ? Decision.valueOf(m[0]) : null;
        if (t.isEmpty() || decision == null) {
            return Map.of("comment", "This form is not one of Countersign's.");
        }
        Who who = who(team, slackUser, t.get());
        Result result = who.refusal() != null ? new Result(false, who.refusal())
                : decide(who.reviewer(), t.get(), decision, comment);
        return result.recorded() ? Map.of() : Map.of("comment", SlackBlocks.cut(result.text(), 2000));
    }

    private Result decide(Reviewer who, Target t, Decision decision, String comment) {
        try {
            boolean settles = reviews.recordDecision(who, t.requestId(), t.taskKey(), decision, comment, t.digest());
            return new Result(true, decision == Decision.APPROVE ? "Your approval is recorded (as " + who.userId() + ")."
                    + (settles ? " The review is complete." : " More approvals are needed.")
                    : "Your decision is recorded (as " + who.userId() + ").");
        } catch (ProblemException | DomainException e) {
            return new Result(false, (decision == Decision.APPROVE ? "Your approval" : "Your decision") + " did not count: "
                    + e.getMessage());
        }
    }

    /** The linked, recently signed-in person a click counts for, on a request Slack may decide. */
    private Who who(String team, String slackUser, Target t) {
        String base = config.baseUrl().orElse("").replaceAll("/+$", "");
        String requestPage = base + "/inbox/requests/" + t.requestId();
        Optional<String> user = store.linkedUser(team, slackUser);
        if (user.isEmpty()) {
            return new Who(null, "Your Slack account is not linked to Countersign, so this click did not count. Link it "
                    + "(you sign in with your identity provider): " + base + "/inbox/slack/link?t="
                    + links.token(team, slackUser, Instant.now()) + " - then click again, or decide on the request page: "
                    + requestPage);
        }
        String why = QuarkusTransaction.requiringNew().call(() -> {
            Optional<ActionView> r = actions.find(t.requestId());
            return r.isEmpty() ? "it does not exist" : SlackBlocks.notDecidable(r.get(), config.slack());
        });
        if (why != null) {
            return new Who(null, "This click did not count: decide on the request page (" + why + "): " + requestPage);
        }
        String userId = user.get();
        List<InboxMember> memberships = QuarkusTransaction.requiringNew().call(() -> InboxMember.<InboxMember>list(
                "id.userId", userId));
        OffsetDateTime lastSignIn = memberships.stream().map(m -> m.lastSeen).max(OffsetDateTime::compareTo).orElse(null);
        if (lastSignIn == null || lastSignIn.toInstant().isBefore(Instant.now().minus(config.slack().signInMaxAge()))) {
            return new Who(null, "Deciding from Slack needs a sign-in to Countersign within the last "
                    + SlackInteractivityResource.human(config.slack().signInMaxAge()) + "; this click did not count. Sign in "
                    + "at " + requestPage + " (then click here again, or decide there).");
        }
        Set<String> groups = memberships.stream().map(m -> m.id.groupName()).collect(Collectors.toSet());
        return new Who(new Reviewer(userId, groups, false), null);
    }
}
