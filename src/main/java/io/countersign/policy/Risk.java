package io.countersign.policy;
/** TEMP contract copy; replaced by the policy branch. */
public enum Risk { LOW, MEDIUM, HIGH, CRITICAL }
