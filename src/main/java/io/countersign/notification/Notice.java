package io.countersign.notification;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.countersign.common.json.JsonSupport;
import java.util.UUID;

/**
 * What one notification row says, written when the change that causes it commits; the message
 * itself is rendered from the request as it is when the row is delivered.
 *
 * @param userId who is told by e-mail ({@code email} the address), null on group channels
 * @param taskKey the review step asked about (review kinds), else null
 * @param group the group a channel row (webhook, Teams) is for, or the escalation group of an e-mail escalation
 * @param reviewer who decided, and {@code decision} / {@code comment} / approvals: a reviewer's decision (owners)
 * @param status the request's status that ended the review (closed, expired)
 * @param windowStart the digest window (digests only; then {@code requestId} is null)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notice(Kind kind, UUID requestId, String userId, String email, Long taskKey, String group,
        String reviewer, String decision, String comment, Integer approvalsSoFar, Integer approvalsRequired,
        String status, String windowStart) {

    public Notice(Kind kind, UUID requestId, String userId, String email, Long taskKey, String group, String reviewer,
            String decision, String comment, Integer approvalsSoFar, Integer approvalsRequired, String status) {
        this(kind, requestId, userId, email, taskKey, group, reviewer, decision, comment, approvalsSoFar,
                approvalsRequired, status, null);
    }

    /** Why someone is told. */
    public enum Kind {
        /** A review step opened for one of the person's groups. */
        REVIEW_REQUESTED,
        /** The review was escalated to a group of the person. */
        REVIEW_ESCALATED,
        /** The review's reminder timer fired while the step is open. */
        REVIEW_REMINDER,
        /** The review the person was asked for ended (decided, cancelled, expired). */
        REVIEW_CLOSED,
        /** A reviewer decided on a request of the person's agent. */
        OWNER_DECISION,
        /** A request of the person's agent expired without a decision. */
        OWNER_EXPIRED,
        /** More asks than the digest threshold arrived within the window: how many were held back. */
        DIGEST
    }

    String json() {
        try {
            return JsonSupport.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Notice read(String json) {
        try {
            return JsonSupport.MAPPER.readValue(json, Notice.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable notification payload", e);
        }
    }
}
