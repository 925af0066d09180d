package io.countersign.policy;

/**
 * The policy's answer for one request: the outcome, the policy version and rule that decided
 * it, the risk class, the review requirement (null unless {@code outcome} is REVIEW) and a
 * human-readable reason (the rule's description, plus any condition that could not be
 * evaluated).
 */
public record PolicyDecision(PolicyOutcome outcome, String policyVersion, String ruleName, Risk risk,
        ReviewRequirement review, String reason) {
}
