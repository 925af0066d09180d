package io.countersign.review;

import io.countersign.review.Views.TimelineEntry;
import java.time.OffsetDateTime;

/**
 * The reviewer's words for the review events {@link ReviewService} records ({@code review_event}):
 * "Sent to dba review", "Approved by alice", "Changes requested by bob" with the comment as the
 * note. Every kind the service writes has a sentence; an unknown kind (a newer version's event
 * read by an older page, say) keeps its raw type and detail, so nothing recorded is hidden.
 */
final class TimelineText {

    /** The detail of {@code task.created} starts with this, followed by the groups. */
    static final String TASK_OPEN_FOR = "Review step open for ";

    /** The detail of {@code review.escalated} starts with this, followed by the group. */
    static final String ESCALATED_TO = "Deadline approaching: escalated to ";

    /** The detail of {@code task.claimed}/{@code task.reassigned} starts with this, followed by the assignee. */
    static final String ASSIGNED_TO = "Assigned to ";

    private TimelineText() {
    }

    /** The entry of one recorded event. */
    static TimelineEntry entry(OffsetDateTime at, String kind, String actor, String detail) {
        String by = actor == null || actor.isBlank() ? "" : " by " + actor;
        String sentence;
        String note = null;
        switch (kind == null ? "" : kind) {
            case "review.started" -> sentence = "Review requested";
            case "task.created" -> {
                String groups = after(TASK_OPEN_FOR, detail);
                int revision = groups == null ? -1 : groups.lastIndexOf(" (revision ");
                sentence = groups == null ? "Review step opened" : revision > 0
                        ? "Sent to " + groups.substring(0, revision) + " review" + groups.substring(revision)
                        : "Sent to " + groups + " review";
                note = groups == null ? detail : null;
            }
            case "task.closed" -> sentence = "Review step closed";
            case "task.claimed" -> sentence = "Claimed" + by;
            case "task.unclaimed" -> sentence = "Released" + by + " for the group to take";
            case "task.reassigned" -> {
                String to = after(ASSIGNED_TO, detail);
                sentence = "Reassigned" + by + (to == null ? "" : " to " + to);
                note = to == null ? detail : null;
            }
            case "decision.approve" -> {
                sentence = "Approved" + by;
                note = detail;
            }
            case "decision.reject" -> {
                sentence = "Rejected" + by;
                note = detail;
            }
            case "decision.request-changes" -> {
                sentence = "Changes requested" + by;
                note = detail;
            }
            case "review.restarted" -> sentence = "The agent submitted a revision: review starts again, earlier "
                    + "approvals no longer count";
            case "review.reminder" -> sentence = "Deadline approaching: reminder sent";
            case "review.escalated" -> {
                String group = after(ESCALATED_TO, detail);
                sentence = group == null ? "Deadline approaching: escalated" : "Deadline approaching: escalated to "
                        + group;
                note = group == null ? detail : null;
            }
            case "review.approved" -> sentence = "Review finished: approved";
            case "review.rejected" -> sentence = "Review finished: rejected";
            case "review.expired" -> sentence = "Review finished: expired without a decision";
            case "review.cancelled" -> sentence = "Review finished: cancelled by the agent";
            default -> {
                sentence = (kind == null || kind.isBlank() ? "Event" : kind) + by;
                note = detail;
            }
        }
        return new TimelineEntry(at, kind, actor, detail, sentence, note == null || note.isBlank() ? null : note);
    }

    private static String after(String prefix, String detail) {
        return detail != null && detail.startsWith(prefix) && detail.length() > prefix.length()
                ? detail.substring(prefix.length()) : null;
    }
}
