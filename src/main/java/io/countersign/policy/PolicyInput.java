package io.countersign.policy;
/** TEMP contract copy; replaced by the policy branch. */
public record PolicyInput(String agentId, String type, String target, String environment, String summary, com.fasterxml.jackson.databind.JsonNode payload) {}
