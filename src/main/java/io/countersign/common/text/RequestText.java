package io.countersign.common.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.json.JsonSupport;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which parts of an action request are which {@link TextKind}, and the count of characters a
 * reviewer would not see over the whole request (summary, justification, target, environment,
 * payload values and keys). The request page's banner and the policy input use the same count.
 */
public final class RequestText {

    /** Hidden or direction-changing characters, and look-alike characters, of one request. */
    public record Counts(int hidden, int lookalike) {
        /** True when the request holds at least one of either. */
        public boolean any() {
            return hidden + lookalike > 0;
        }

        Counts plus(VisibleText.Rendering r) {
            return new Counts(hidden + r.hidden(), lookalike + r.lookalike());
        }
    }

    /** Payload fields of the built-in types that must be printable ASCII (see action.PayloadSchemas). */
    private static final Map<String, Set<String>> IDENTIFIERS = Map.of(
            "db.schema.change", Set.of("database"),
            "payment.transfer", Set.of("amount", "currency", "beneficiary.iban", "beneficiary.account",
                    "beneficiary.bic", "reference"),
            "code.push", Set.of("repository", "branch", "commitSha"));

    /** Payload fields that are names a person recognises (look-alike letters are marked). */
    private static final Map<String, Set<String>> NAMES = Map.of("payment.transfer", Set.of("beneficiary.name"));

    /** Payload fields that a machine parses (odd spaces are marked). */
    private static final Map<String, Set<String>> CODE = Map.of("db.schema.change", Set.of("statements"),
            "code.push", Set.of("patch"));

    private static final int MAX_DEPTH = 100;

    private RequestText() {
    }

    /** The kind of the payload value at {@code path} (dotted field names, arrays transparent) of a {@code type} request. */
    public static TextKind payloadField(String type, String path) {
        if (IDENTIFIERS.getOrDefault(type, Set.of()).contains(path)) {
            return TextKind.IDENTIFIER;
        }
        if (NAMES.getOrDefault(type, Set.of()).contains(path)) {
            return TextKind.NAME;
        }
        return CODE.getOrDefault(type, Set.of()).contains(path) ? TextKind.CODE : TextKind.TEXT;
    }

    /** The payload fields (dotted paths) of a {@code type} request that must be printable ASCII. */
    public static Set<String> identifierFields(String type) {
        return IDENTIFIERS.getOrDefault(type, Set.of());
    }

    /** Counts over the whole request. */
    public static Counts count(String type, String target, String environment, String summary, String justification,
            JsonNode payload) {
        Counts c = new Counts(0, 0)
                .plus(VisibleText.render(target, TextKind.NAME))
                .plus(VisibleText.render(environment, TextKind.IDENTIFIER))
                .plus(VisibleText.render(summary, TextKind.TEXT))
                .plus(VisibleText.render(justification, TextKind.TEXT));
        return payload(type, payload, "", 0, c);
    }

    private static Counts payload(String type, JsonNode node, String path, int depth, Counts c) {
        if (node == null || depth > MAX_DEPTH) {
            return c;
        }
        if (node.isTextual()) {
            return c.plus(VisibleText.render(node.textValue(), payloadField(type, path)));
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                c = payload(type, item, path, depth + 1, c);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                c = c.plus(VisibleText.render(f.getKey(), TextKind.NAME));
                c = payload(type, f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), depth + 1, c);
            }
        }
        return c;
    }

    /**
     * The payload as indented JSON in which every string (keys too) is rendered as its field's
     * kind, so the raw view marks exactly what the structured view marks.
     */
    public static VisibleText.Rendering json(String type, JsonNode payload) {
        Json out = new Json(type);
        out.value(payload, "", 0);
        return out.flush();
    }

    /** Writes JSON two spaces per level, one member or item per line. */
    private static final class Json {
        private final String type;
        private final StringBuilder run = new StringBuilder();
        private final List<VisibleText.Segment> segments = new ArrayList<>();
        private int hidden;
        private int lookalike;

        Json(String type) {
            this.type = type;
        }

        void value(JsonNode node, String path, int depth) {
            if (node == null || node.isMissingNode()) {
                run.append("null");
            } else if (node.isTextual()) {
                string(node.textValue(), payloadField(type, path));
            } else if (node.isObject() && depth <= MAX_DEPTH) {
                if (node.isEmpty()) {
                    run.append("{}");
                    return;
                }
                run.append('{');
                boolean first = true;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> f = it.next();
                    run.append(first ? "\n" : ",\n").append("  ".repeat(depth + 1));
                    first = false;
                    string(f.getKey(), TextKind.NAME);
                    run.append(": ");
                    value(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), depth + 1);
                }
                run.append('\n').append("  ".repeat(depth)).append('}');
            } else if (node.isArray() && depth <= MAX_DEPTH) {
                if (node.isEmpty()) {
                    run.append("[]");
                    return;
                }
                run.append('[');
                for (int i = 0; i < node.size(); i++) {
                    run.append(i == 0 ? "\n" : ",\n").append("  ".repeat(depth + 1));
                    value(node.get(i), path, depth + 1);
                }
                run.append('\n').append("  ".repeat(depth)).append(']');
            } else if (node.isContainerNode()) {
                run.append("…");
            } else {
                run.append(node.toString());
            }
        }

        /** A JSON string literal (quotes and escapes by Jackson), its content rendered as {@code kind}. */
        private void string(String s, TextKind kind) {
            String literal;
            try {
                literal = JsonSupport.MAPPER.writeValueAsString(s);
            } catch (JsonProcessingException e) {
                literal = '"' + s + '"';
            }
            flushRun();
            VisibleText.Rendering r = VisibleText.render(literal, kind);
            segments.addAll(r.segments());
            hidden += r.hidden();
            lookalike += r.lookalike();
        }

        private void flushRun() {
            if (run.length() > 0) {
                segments.add(new VisibleText.Segment(run.toString(), 0, null));
                run.setLength(0);
            }
        }

        VisibleText.Rendering flush() {
            flushRun();
            return new VisibleText.Rendering(List.copyOf(segments), hidden, lookalike);
        }
    }
}
