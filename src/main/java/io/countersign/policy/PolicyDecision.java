package io.countersign.policy;
/** TEMP contract copy; replaced by the policy branch. */
public record PolicyDecision(PolicyOutcome outcome, String policyVersion, String ruleName, Risk risk, ReviewRequirement review, String reason) {}
