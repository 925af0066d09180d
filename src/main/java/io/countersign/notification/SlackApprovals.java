package io.countersign.notification;

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
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What a verified Approve click from Slack does: nothing for an unlinked Slack user (they get a
 * link to link their account), nothing for a person whose last sign-in through the identity
 * provider is too old, and otherwise the person's approval with exactly the inbox's checks, as a
 * member of the groups they signed in with.
 */
@ApplicationScoped
public class SlackApprovals {

    @Inject
    NotificationConfig config;

    @Inject
    SlackStore store;

    @Inject
    SlackLinks links;

    @Inject
    ReviewService reviews;

    /** Records the approval, or says why not; the text goes to the clicker only. */
    String approve(String team, String slackUser, String value) {
        String[] v = value.split("\\|");
        UUID requestId;
        long taskKey;
        try {
            requestId = UUID.fromString(v[0]);
            taskKey = Long.parseLong(v[1]);
        } catch (RuntimeException e) {
            return "This button is not one of Countersign's.";
        }
        String digest = v.length > 2 ? v[2] : "";
        String requestPage = config.baseUrl().orElse("").replaceAll("/+$", "") + "/inbox/requests/" + requestId;
        var user = store.linkedUser(team, slackUser);
        if (user.isEmpty()) {
            String t = links.token(team, slackUser, Instant.now());
            return "Your Slack account is not linked to Countersign, so this click did not count. Link it (you sign in "
                    + "with your identity provider): " + config.baseUrl().orElse("").replaceAll("/+$", "")
                    + "/inbox/slack/link?t=" + t + " - then click Approve again, or decide on the request page: "
                    + requestPage;
        }
        String userId = user.get();
        List<InboxMember> memberships = QuarkusTransaction.requiringNew().call(() -> InboxMember.<InboxMember>list(
                "id.userId", userId));
        OffsetDateTime lastSignIn = memberships.stream().map(m -> m.lastSeen).max(OffsetDateTime::compareTo).orElse(null);
        if (lastSignIn == null || lastSignIn.toInstant().isBefore(Instant.now().minus(config.slack().signInMaxAge()))) {
            return "Approving from Slack needs a sign-in to Countersign within the last "
                    + SlackInteractivityResource.human(config.slack().signInMaxAge()) + "; this click did not count. Sign in at " + requestPage
                    + " (then Approve here again, or decide there).";
        }
        Set<String> groups = memberships.stream().map(m -> m.id.groupName()).collect(Collectors.toSet());
        try {
            boolean settles = reviews.recordDecision(new Reviewer(userId, groups, false), requestId, taskKey,
                    Decision.APPROVE, "Approved in Slack", digest);
            return "Your approval is recorded (as " + userId + ")." + (settles ? " The review is complete."
                    : " More approvals are needed.");
        } catch (ProblemException | DomainException e) {
            return "Your approval did not count: " + e.getMessage();
        }
    }

}
