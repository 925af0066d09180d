package io.countersign.review;

import java.util.UUID;

/**
 * Fired inside the transaction that records a reviewer's decision (hook for the audit trail and
 * release tokens; observe AFTER_SUCCESS for side effects). {@code approvalsSoFar} counts distinct
 * approvers of the current round, {@code approvalsRequired} what the policy asked for;
 * {@code agentId} is the requesting agent (the decision trail files the decision under it).
 */
public record ReviewDecided(UUID requestId, Decision decision, String reviewer, String comment, String payloadSha256,
        int round, int approvalsSoFar, int approvalsRequired, String agentId) {
}
