package io.countersign.policy;
/** TEMP contract copy; replaced by the policy branch. */
public enum PolicyOutcome { DENY, AUTO_APPROVE, REVIEW }
