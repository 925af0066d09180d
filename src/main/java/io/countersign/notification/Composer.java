package io.countersign.notification;

import io.countersign.action.ActionService;
import io.countersign.action.ActionView;
import io.countersign.common.delivery.DeliveryRelay.Undeliverable;
import io.countersign.common.text.RequestText;
import io.countersign.common.text.TextKind;
import io.countersign.common.text.VisibleHtml;
import io.countersign.common.text.VisibleText;
import io.countersign.common.text.VisibleText.Rendering;
import io.countersign.notification.Notice.Kind;
import io.countersign.review.InboxTask;
import io.countersign.review.ReviewAccess;
import io.countersign.review.ReviewDecision;
import io.quarkus.qute.TemplateData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a notice says, from the request as it is when the row is delivered (every channel renders
 * this): the facts a reviewer needs, each as plain text with hidden and look-alike characters as
 * markers and as escaped HTML, the decisions, the payload as the request page's raw view shows it,
 * and the one link to the request page. Must run in a transaction.
 */
@ApplicationScoped
public class Composer {

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);
    static final int SUBJECT_MAX = 160;

    /** A label and its value, as plain text with markers and as escaped HTML with marks. */
    @TemplateData
    public record Field(String label, String text, String html) {
    }

    /** What one message says. */
    @TemplateData
    public record Message(String subject, String heading, List<Field> fields, String banner, List<String> decisions,
            String payloadText, String payloadHtml, String link, String footer) {
    }

    /** A composed message and the request it is about. */
    public record Composed(Message message, ActionView request, InboxTask task) {
    }

    @Inject
    ActionService actions;

    @Inject
    ReviewAccess access;

    @Inject
    NotificationConfig config;

    @Inject
    FloodControl flood;

    /** The digest of one window: how many asks were held back, and the inbox. */
    private Message digest(Notice n, String channel) {
        OffsetDateTime window = OffsetDateTime.parse(n.windowStart());
        int held = flood.held(channel, ReviewerNotices.recipient(n), window);
        String who = n.group() != null ? "for group " + n.group() : "for you";
        String heading = held + " more review request" + (held == 1 ? "" : "s") + " " + who;
        String link = config.baseUrl().orElseThrow().replaceAll("/+$", "") + "/inbox";
        String footer = "So many arrived within " + flood.window().toMinutes() + " minutes from " + WHEN.format(
                window.withOffsetSameInstant(ZoneOffset.UTC)) + " that they are summed up here instead of one message "
                + "each. They are in the inbox.";
        return new Message(oneLine("[Countersign] " + heading), heading, List.of(), null, List.of(), "", "", link, footer);
    }

    /** The message of a notice from the request's current state; empty when a review ask is moot. */
    Optional<Composed> compose(Notice n, String channel) {
        if (n.kind() == Kind.DIGEST) {
            return Optional.of(new Composed(digest(n, channel), null, null));
        }
        ActionView r = actions.find(n.requestId()).orElseThrow(() -> new Undeliverable("no request " + n.requestId()));
        InboxTask task = n.taskKey() == null ? null : InboxTask.findById(n.taskKey());
        boolean ask = n.kind() == Kind.REVIEW_REQUESTED || n.kind() == Kind.REVIEW_ESCALATED
                || n.kind() == Kind.REVIEW_REMINDER;
        if (ask && (task == null || !InboxTask.OPEN.equals(task.state))) {
            return Optional.empty();
        }
        String summary = VisibleText.plain(r.summary());
        String heading = switch (n.kind()) {
            case REVIEW_REQUESTED -> "Review requested";
            case REVIEW_ESCALATED -> "Escalated to " + n.group() + ": review requested";
            case REVIEW_REMINDER -> "Reminder: review due " + (task.dueAt == null ? "soon" : WHEN.format(utc(task.dueAt)));
            case REVIEW_CLOSED -> "Review ended: " + statusText(n.status());
            case OWNER_DECISION -> VisibleText.plain(n.reviewer(), TextKind.NAME) + " " + decisionText(n.decision())
                    + " a request of your agent " + r.agentId() + approvals(n);
            case OWNER_EXPIRED -> "A request of your agent " + r.agentId() + " expired without a decision";
            case DIGEST -> throw new IllegalStateException("digests are composed by digest()");
        };
        List<Field> fields = new ArrayList<>();
        fields.add(field("Summary", r.summary(), TextKind.TEXT));
        fields.add(field("Type", r.type(), TextKind.IDENTIFIER));
        fields.add(field("Target", r.target(), TextKind.NAME));
        fields.add(field("Environment", r.environment(), TextKind.IDENTIFIER));
        fields.add(field("Risk", r.risk(), TextKind.IDENTIFIER));
        fields.add(field("Agent", r.agentId(), TextKind.NAME));
        if (task != null) {
            fields.add(field("Reviewer groups", String.join(", ", new TreeSet<>(access.groupsOf(task.taskKey))),
                    TextKind.NAME));
            if (task.dueAt != null) {
                fields.add(field("Deadline", WHEN.format(utc(task.dueAt)), TextKind.TEXT));
            }
        }
        fields.add(field("Status", r.status().name(), TextKind.IDENTIFIER));
        if (r.justification() != null && !r.justification().isBlank()) {
            fields.add(field("Justification", r.justification(), TextKind.TEXT));
        }
        if (n.comment() != null && !n.comment().isBlank()) {
            fields.add(field("Comment", n.comment(), TextKind.TEXT));
        }
        RequestText.Counts counts = RequestText.count(r.type(), r.target(), r.environment(), r.summary(),
                r.justification(), r.payload());
        String banner = counts.any() ? "Careful: this request contains " + counts.hidden()
                + " hidden or direction-changing and " + counts.lookalike() + " look-alike character(s), shown as "
                + VisibleText.OPEN + "\u2026" + VisibleText.CLOSE + " markers." : null;
        List<String> decisions = n.kind() == Kind.REVIEW_CLOSED || n.kind() == Kind.OWNER_DECISION ? decisions(r) : List.of();
        Rendering payload = RequestText.json(r.type(), r.payload());
        String link = config.baseUrl().orElseThrow().replaceAll("/+$", "") + "/inbox/requests/" + r.id();
        String footer = switch (n.kind()) {
            case OWNER_DECISION, OWNER_EXPIRED -> "You get this message as the owner of agent " + r.agentId() + ".";
            default -> n.email() == null && n.group() != null ? "Sent to the reviewers of group " + n.group() + "."
                    : "You get this message as a reviewer of this request.";
        };
        String subject = oneLine("[Countersign] " + heading + ": " + summary);
        return Optional.of(new Composed(new Message(subject, heading, List.copyOf(fields), banner, decisions,
                payload.plain(), VisibleHtml.html(payload), link, footer), r, task));
    }

    private List<String> decisions(ActionView r) {
        List<String> out = new ArrayList<>();
        for (ReviewDecision d : ReviewDecision.<ReviewDecision>list("requestId = ?1 order by decidedAt, id", r.id())) {
            out.add(VisibleText.plain(d.reviewer, TextKind.NAME) + " " + decisionText(d.decision.name()) + " at "
                    + WHEN.format(utc(d.decidedAt)) + " (round " + d.round + ")"
                    + (d.comment == null || d.comment.isBlank() ? "" : ": " + oneLine(VisibleText.plain(d.comment))));
        }
        return out;
    }

    private static Field field(String label, String value, TextKind kind) {
        Rendering r = VisibleText.render(value == null ? "" : value, kind);
        return new Field(label, r.plain(), VisibleHtml.html(r));
    }

    private static String approvals(Notice n) {
        return n.approvalsRequired() == null || n.approvalsRequired() < 2 || !"APPROVE".equals(n.decision()) ? ""
                : " (" + n.approvalsSoFar() + " of " + n.approvalsRequired() + " approvals)";
    }

    static String decisionText(String decision) {
        return switch (decision) {
            case "APPROVE" -> "approved";
            case "REJECT" -> "rejected";
            case "REQUEST_CHANGES" -> "asked for changes to";
            default -> decision.toLowerCase(Locale.ROOT);
        };
    }

    static String statusText(String status) {
        return switch (status) {
            case "APPROVED" -> "approved";
            case "REJECTED" -> "rejected";
            case "CHANGES_REQUESTED" -> "changes requested";
            case "CANCELLED" -> "cancelled by the agent";
            case "EXPIRED" -> "expired without a decision";
            default -> status.toLowerCase(Locale.ROOT);
        };
    }

    /** A header-safe line: no line breaks or other control characters, at most {@link #SUBJECT_MAX} characters. */
    static String oneLine(String s) {
        String flat = s.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]+", " ").strip();
        return flat.codePointCount(0, flat.length()) <= SUBJECT_MAX ? flat
                : flat.substring(0, flat.offsetByCodePoints(0, SUBJECT_MAX - 1)) + "\u2026";
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
