package io.countersign.policy;
/** TEMP contract copy; replaced by the policy branch. */
public record ReviewRequirement(java.util.List<String> groups, int approvals, java.time.Duration timeout, String escalationGroup) {}
