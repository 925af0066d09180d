package io.countersign.action;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.json.JsonSupport;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** An action request as agents see it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionView(UUID id, String agentId, String type, String target, String environment, String summary,
        String justification, JsonNode payload, String payloadSha256, ActionStatus status, String statusReason,
        String risk, PolicyRef policy, ReviewView review, List<String> approvers, List<ReviewerDecision> decisions,
        ReleaseProvider.ReleaseView release, String outcomeDetail, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        OffsetDateTime decidedAt) {

    /** The same view with the agent's release attached. */
    ActionView withRelease(ReleaseProvider.ReleaseView r) {
        return new ActionView(id, agentId, type, target, environment, summary, justification, payload, payloadSha256,
                status, statusReason, risk, policy, review, approvers, decisions, r, outcomeDetail, createdAt, updatedAt,
                decidedAt);
    }

    /** The same view with the reviewers' decisions attached. */
    ActionView withDecisions(List<ReviewerDecision> d) {
        return new ActionView(id, agentId, type, target, environment, summary, justification, payload, payloadSha256,
                status, statusReason, risk, policy, review, approvers, List.copyOf(d), release, outcomeDetail, createdAt,
                updatedAt, decidedAt);
    }

    /** Which policy version and rule decided. */
    public record PolicyRef(String version, String rule) {
    }

    /**
     * One reviewer's decision, as the requesting agent reads it (docs/api.md): who, what
     * ({@code APPROVE}, {@code REJECT}, {@code REQUEST_CHANGES}), their comment, in which review
     * round and on which revision of the payload.
     */
    public record ReviewerDecision(String reviewer, String decision, String comment, int round, String payloadSha256,
            OffsetDateTime decidedAt) {
    }

    /** What the review requires (only for requests routed to review). */
    public record ReviewView(List<String> groups, int approvals, String timeout, String escalationGroup,
            List<String> notifyChannels) {
    }

    static ActionView of(ActionRequest r) {
        try {
            ReviewView review = r.reviewGroups == null ? null
                    : new ReviewView(r.reviewGroups, r.reviewApprovals,
                            Duration.ofSeconds(r.reviewTimeoutSeconds).toString(), r.reviewEscalationGroup,
                            r.reviewNotify);
            return new ActionView(r.id, r.agentId, r.type, r.target, r.environment, r.summary, r.justification,
                    JsonSupport.MAPPER.readTree(r.payload), r.payloadSha256, r.status, r.statusReason, r.risk,
                    r.policyRule == null ? null : new PolicyRef(r.policyVersion, r.policyRule), review,
                    r.approvers, null, null, r.outcomeDetail, r.createdAt, r.updatedAt, r.decidedAt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored payload of " + r.id + " is not JSON", e);
        }
    }
}
