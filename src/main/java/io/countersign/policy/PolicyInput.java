package io.countersign.policy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of an action request the policy sees; {@code payload} is the request's JSON payload.
 * {@code justification} is not a condition variable; it counts towards {@code hiddenCharacters}.
 */
public record PolicyInput(String agentId, String type, String target, String environment, String summary,
        String justification, JsonNode payload) {
}
