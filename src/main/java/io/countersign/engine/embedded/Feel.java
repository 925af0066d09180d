package io.countersign.engine.embedded;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Period;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.feel.api.EvaluationResult;
import org.camunda.feel.api.FeelEngineApi;
import org.camunda.feel.api.FeelEngineBuilder;
import org.camunda.feel.api.ParseResult;
import org.camunda.feel.syntaxtree.ParsedExpression;

/**
 * FEEL evaluation with Zeebe's conventions: attribute values starting with '=' are
 * expressions, others are static strings. A failed evaluation is an {@link EvaluationException}
 * (which becomes an incident), never a silent false or null.
 */
final class Feel {

    /** A FEEL parse or evaluation failure, or a result of the wrong type. */
    static final class EvaluationException extends RuntimeException {
        final String errorType;

        EvaluationException(String errorType, String message) {
            super(message, null, false, false);
            this.errorType = errorType;
        }
    }

    // forJava(): results come back as java.util collections and java.lang numbers.
    private final FeelEngineApi engine = FeelEngineBuilder.forJava().build();
    private final Map<String, ParsedExpression> cache = new ConcurrentHashMap<>();

    /** Null when the expression parses, else the parser's message. */
    String parseError(String expression) {
        ParseResult r = engine.parseExpression(expression);
        return r.isFailure() ? r.failure().message() : null;
    }

    /** Evaluates an attribute value: FEEL when it starts with '=', else the static string. */
    Object value(String attribute, Map<String, Object> variables, String errorType) {
        if (attribute == null) {
            return null;
        }
        if (attribute.startsWith("=")) {
            return evaluate(attribute.substring(1), variables, errorType);
        }
        return attribute;
    }

    /** Evaluates a FEEL expression (without the leading '=') to plain Java values. */
    Object evaluate(String expression, Map<String, Object> variables, String errorType) {
        Object raw = evaluateRaw(expression, variables, errorType);
        return toJava(raw);
    }

    /** Evaluates keeping FEEL's own temporal types (for timers). */
    Object evaluateRaw(String expression, Map<String, Object> variables, String errorType) {
        ParsedExpression parsed = cache.get(expression);
        if (parsed == null) {
            ParseResult p = engine.parseExpression(expression);
            if (p.isFailure()) {
                throw new EvaluationException(errorType, "failed to parse '" + expression + "': " + p.failure().message());
            }
            parsed = p.parsedExpression();
            if (cache.size() < 10_000) {
                cache.put(expression, parsed);
            }
        }
        EvaluationResult r = engine.evaluate(parsed, variables);
        if (r.isFailure()) {
            throw new EvaluationException(errorType, "failed to evaluate '" + expression + "': " + r.failure().message());
        }
        return r.result();
    }

    /** A condition: must evaluate to a boolean, anything else (null included) is a failure. */
    boolean condition(String expression, Map<String, Object> variables) {
        Object r = evaluateRaw(expression, variables, "CONDITION_ERROR");
        if (r instanceof Boolean b) {
            return b;
        }
        throw new EvaluationException("CONDITION_ERROR", "expected condition '" + expression
                + "' to evaluate to a boolean, but it was " + describe(r));
    }

    /** A string attribute (job type, assignee, message name, correlation key). */
    String string(String attribute, Map<String, Object> variables, String what) {
        Object v = value(attribute, variables, "EXTRACT_VALUE_ERROR");
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number n && "correlation key".equals(what)) {
            return n instanceof BigDecimal bd ? bd.stripTrailingZeros().toPlainString() : n.toString();
        }
        throw new EvaluationException("EXTRACT_VALUE_ERROR", "expected " + what + " '" + attribute
                + "' to be a string, but it was " + describe(v));
    }

    /** A list of strings: FEEL list, or a static comma-separated value (Zeebe's candidateGroups). */
    List<String> stringList(String attribute, Map<String, Object> variables, String what) {
        if (attribute == null) {
            return List.of();
        }
        if (!attribute.startsWith("=")) {
            List<String> out = new ArrayList<>();
            for (String s : attribute.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
            return out;
        }
        Object v = value(attribute, variables, "EXTRACT_VALUE_ERROR");
        if (v instanceof List<?> l && l.stream().allMatch(e -> e instanceof String)) {
            return l.stream().map(String.class::cast).toList();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        throw new EvaluationException("EXTRACT_VALUE_ERROR", "expected " + what + " '" + attribute
                + "' to be a list of strings, but it was " + describe(v));
    }

    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String s = String.valueOf(v);
        return (v instanceof String ? "'" + s + "'" : s) + " (" + v.getClass().getSimpleName() + ")";
    }

    /** Deep-copies FEEL results into plain, JSON-serialisable Java values. */
    @SuppressWarnings("unchecked")
    static Object toJava(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), toJava(val)));
            return out;
        }
        if (v instanceof Iterable<?> it) {
            List<Object> out = new ArrayList<>();
            it.forEach(e -> out.add(toJava(e)));
            return out;
        }
        if (v instanceof scala.math.BigDecimal sbd) {
            return normalize(sbd.bigDecimal());
        }
        if (v instanceof BigDecimal bd) {
            return normalize(bd);
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9.0e15 ? (Object) d.longValue() : d;
        }
        if (v instanceof Number) {
            return v;
        }
        if (v instanceof TemporalAccessor || v instanceof Duration || v instanceof Period) {
            return v.toString();
        }
        return String.valueOf(v);
    }

    private static Object normalize(BigDecimal bd) {
        BigDecimal s = bd.stripTrailingZeros();
        if (s.scale() <= 0 && s.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                && s.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0) {
            return s.toBigInteger().longValue();
        }
        return bd;
    }
}
