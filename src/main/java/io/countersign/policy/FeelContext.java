package io.countersign.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.sql.SqlClassifier;
import io.countersign.common.text.RequestText;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the FEEL variables a rule condition sees from a {@link PolicyInput}. JSON is turned
 * into plain Java values (Map, List, BigDecimal, String, Boolean, null) so FEEL compares
 * numbers as numbers and navigates objects as contexts.
 */
final class FeelContext {

    static final String SQL_TYPE = "db.schema.change";
    static final String SQL_STATEMENTS = "sqlStatements";

    /** Every variable a condition may reference; anything else is refused at load. */
    static final Set<String> VARIABLES = Set.of("type", "target", "environment", "agent", "summary", "payload",
            "amount", "currency", "hiddenCharacters", "lookalikeCharacters", SQL_STATEMENTS);

    static final String PAYMENT_TYPE = "payment.transfer";

    /** Unsigned decimal string; a sign, exponent or oversized number leaves {@code amount} null. */
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,30}(\\.[0-9]{1,30})?");

    /** Deeper JSON is cut off (as null) rather than risking the stack; the API refuses depth > 64 anyway. */
    private static final int MAX_DEPTH = 100;

    private FeelContext() {
    }

    static Map<String, Object> of(PolicyInput in) {
        return of(in, true);
    }

    /** As {@link #of(PolicyInput)}; {@code sqlStatements} stays an empty list unless {@code withSql}. */
    static Map<String, Object> of(PolicyInput in, boolean withSql) {
        Map<String, Object> vars = new HashMap<>(16);
        vars.put("type", in.type());
        vars.put("target", in.target());
        vars.put("environment", in.environment());
        vars.put("agent", in.agentId());
        vars.put("summary", in.summary());
        vars.put("payload", toJava(in.payload(), 0));
        BigDecimal amount = null;
        String currency = null;
        if (PAYMENT_TYPE.equals(in.type()) && in.payload() != null && in.payload().isObject()) {
            JsonNode a = in.payload().get("amount");
            if (a != null && a.isTextual() && DECIMAL.matcher(a.textValue()).matches()) {
                amount = new BigDecimal(a.textValue());
            }
            JsonNode c = in.payload().get("currency");
            if (c != null && c.isTextual()) {
                currency = c.textValue();
            }
        }
        vars.put("amount", amount);
        vars.put("currency", currency);
        // the same count and classification the reviewer's page shows (common.text, common.sql)
        RequestText.Counts counts = RequestText.count(in.type(), in.target(), in.environment(), in.summary(),
                in.justification(), in.payload());
        vars.put("hiddenCharacters", BigDecimal.valueOf(counts.hidden()));
        vars.put("lookalikeCharacters", BigDecimal.valueOf(counts.lookalike()));
        vars.put(SQL_STATEMENTS, withSql ? sqlStatements(in) : List.of());
        return vars;
    }

    /** Every statement of a db.schema.change payload as {kind, destructive, understood, reason}; else empty. */
    private static List<Object> sqlStatements(PolicyInput in) {
        JsonNode list = in.payload() == null ? null : in.payload().get("statements");
        if (!SQL_TYPE.equals(in.type()) || list == null || !list.isArray()) {
            return List.of();
        }
        List<Object> out = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        list.forEach(s -> {
            if (s.isTextual()) {
                texts.add(s.textValue());
            }
        });
        for (List<SqlClassifier.Classification> statement : SqlClassifier.classifyAll(texts)) {
            for (SqlClassifier.Classification c : statement) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kind", c.kind());
                m.put("destructive", c.destructive());
                m.put("understood", c.understood());
                m.put("reason", c.reason());
                out.add(Collections.unmodifiableMap(m));
            }
        }
        return Collections.unmodifiableList(out);
    }

    static Object toJava(JsonNode node, int depth) {
        if (node == null || node.isNull() || node.isMissingNode() || depth > MAX_DEPTH) {
            return null;
        }
        switch (node.getNodeType()) {
            case OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    map.put(f.getKey(), toJava(f.getValue(), depth + 1));
                }
                return Collections.unmodifiableMap(map);
            }
            case ARRAY: {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode item : node) {
                    list.add(toJava(item, depth + 1));
                }
                return Collections.unmodifiableList(list);
            }
            case NUMBER:
                // Floating-point nodes go through their shortest decimal form, so 0.1 stays 0.1.
                return node.isFloatingPointNumber() && !node.isBigDecimal()
                        ? new BigDecimal(Double.toString(node.doubleValue()))
                        : node.decimalValue();
            case BOOLEAN:
                return node.booleanValue();
            case STRING:
                return node.textValue();
            default:
                // Binary and POJO nodes never come from parsed JSON; their text form is the safest view.
                return node.asText();
        }
    }
}
