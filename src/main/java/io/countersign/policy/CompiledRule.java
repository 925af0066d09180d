package io.countersign.policy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.camunda.feel.api.EvaluationFailure;
import org.camunda.feel.api.EvaluationResult;
import org.camunda.feel.api.FailedEvaluationResult;
import org.camunda.feel.api.FeelEngineApi;
import org.camunda.feel.syntaxtree.ParsedExpression;

/** One validated rule with its condition parsed once at load; immutable and thread-safe. */
record CompiledRule(String name, String description, String whenSource, ParsedExpression when,
        PolicyOutcome outcome, Risk risk, ReviewRequirement review, boolean isDefault) {

    /** Longest failure text kept per condition, so a reason stays readable and storable. */
    private static final int MAX_FAILURE_TEXT = 200;

    /** Result of testing a condition: matched, did not match, or could not be decided. */
    record Verdict(boolean matched, String failure) {
        static final Verdict MATCH = new Verdict(true, null);
        static final Verdict NO_MATCH = new Verdict(false, null);

        static Verdict indeterminate(String why) {
            String text = why.length() > MAX_FAILURE_TEXT ? why.substring(0, MAX_FAILURE_TEXT) + "…" : why;
            return new Verdict(false, text);
        }

        boolean indeterminate() {
            return failure != null;
        }
    }

    /**
     * Only a boolean result decides: {@code true} matches, {@code false} does not. A failure,
     * a null (FEEL's answer to e.g. comparing null with a number) or any other value is
     * indeterminate, which the caller must treat fail-closed.
     */
    Verdict test(FeelEngineApi feel, Map<String, Object> variables) {
        if (isDefault) {
            return Verdict.MATCH;
        }
        EvaluationResult result;
        try {
            result = feel.evaluate(when, variables);
        } catch (RuntimeException | StackOverflowError e) {
            return Verdict.indeterminate("evaluation error (" + e.getClass().getSimpleName() + ")");
        }
        if (result.isFailure()) {
            String message = result instanceof FailedEvaluationResult f ? f.failure().message() : String.valueOf(result.result());
            return Verdict.indeterminate(message);
        }
        Object value = result.result();
        if (value instanceof Boolean b) {
            return b ? Verdict.MATCH : Verdict.NO_MATCH;
        }
        if (value == null) {
            List<EvaluationFailure> suppressed = result.getSuppressedFailures();
            return Verdict.indeterminate(suppressed.isEmpty() ? "condition evaluated to null, not a boolean"
                    : "condition evaluated to null: " + suppressed.stream().map(EvaluationFailure::failureMessage)
                            .distinct().collect(Collectors.joining("; ")));
        }
        return Verdict.indeterminate("condition evaluated to a " + value.getClass().getSimpleName() + ", not a boolean");
    }
}
