package io.countersign.policy;

import com.fasterxml.jackson.databind.JsonNode;

/** The parts of an action request the policy sees; {@code payload} is the request's JSON payload. */
public record PolicyInput(String agentId, String type, String target, String environment, String summary,
        JsonNode payload) {
}
