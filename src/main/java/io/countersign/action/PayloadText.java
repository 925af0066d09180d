package io.countersign.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Refuses invisible control characters anywhere in a payload (strings and keys): NUL cannot be
 * stored by PostgreSQL's jsonb and the other C0 controls and DEL (ESC sequences, backspace,
 * form feed, ...) render as nothing in the inbox, so the reviewer would approve text they could not
 * see. Tab, line feed and carriage return stay allowed (SQL, patches).
 */
final class PayloadText {

    private static final int MAX_REPORTED = 20;

    private PayloadText() {
    }

    /** Throws 400 {@code invalid-value} naming each field (path such as {@code payload.lines[1]}) that holds one. */
    static void refuseControlCharacters(JsonNode payload) {
        List<Problem.FieldError> errors = new ArrayList<>();
        walk(payload, "payload", errors);
        if (!errors.isEmpty()) {
            String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                    : errors.size() + " payload values hold control characters; see errors[]";
            throw new ProblemException(400, "invalid-value", "Invalid value", detail, errors, Map.of());
        }
    }

    private static void walk(JsonNode node, String path, List<Problem.FieldError> errors) {
        if (node == null || errors.size() >= MAX_REPORTED) {
            return;
        }
        if (node.isTextual()) {
            check(node.textValue(), path, "", errors);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", errors);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path + "." + e.getKey();
                if (check(e.getKey(), child, "the field name ", errors)) {
                    walk(e.getValue(), child, errors);
                }
            }
        }
    }

    private static boolean check(String s, String path, String what, List<Problem.FieldError> errors) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                String field = path.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)
                        ? path.replaceAll("[\\x00-\\x1f\\x7f]", "?") : path;
                errors.add(new Problem.FieldError(field, String.format("%scontains the control character U+%04X at "
                        + "index %d; only tab, line feed and carriage return are allowed", what, (int) c, i)));
                return false;
            }
        }
        return true;
    }
}
