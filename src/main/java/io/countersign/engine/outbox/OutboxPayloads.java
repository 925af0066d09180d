package io.countersign.engine.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON form of the commands in {@code outbox_command.payload}. */
final class OutboxPayloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OutboxPayloads() {
    }

    static String write(Map<String, Object> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("engine command variables must be JSON-compatible: "
                    + e.getOriginalMessage(), e);
        }
    }

    static JsonNode read(String payload) {
        try {
            return JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt outbox payload", e);
        }
    }

    static Map<String, Object> variables(JsonNode payload) {
        JsonNode variables = payload.path("variables");
        if (variables.isMissingNode() || variables.isNull()) {
            return new LinkedHashMap<>();
        }
        return JSON.convertValue(variables, new TypeReference<LinkedHashMap<String, Object>>() {
        });
    }

    /** A JSON array of strings as a list (empty when missing). */
    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Short description of what a command addresses, for the admin view. */
    static String target(OutboxCommandType type, String payload) {
        JsonNode p = read(payload);
        return switch (type) {
            case START -> "process " + p.path("processId").asText();
            case MESSAGE -> "message " + p.path("name").asText() + " / " + p.path("correlationKey").asText();
            case CANCEL -> p.hasNonNull("processInstanceKey") ? "instance " + p.path("processInstanceKey").asLong()
                    : "instance started by " + p.path("startDedupKey").asText();
            case COMPLETE_USER_TASK, ASSIGN_USER_TASK, UPDATE_CANDIDATE_GROUPS ->
                    "user task " + p.path("userTaskKey").asLong();
        };
    }
}
