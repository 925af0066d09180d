package io.countersign.policy;

/**
 * One reason a policy file was refused: the rule it concerns ({@code null} for file-level
 * problems), the offending field as a path such as {@code rules[2].review.approvals}, and what
 * is wrong.
 */
public record PolicyViolation(String rule, String field, String message) {

    /** One line for logs and problem details, e.g. {@code rule 'x' (rules[2].when): ...}. */
    public String describe() {
        return (rule == null ? "" : "rule '" + rule + "' ") + "(" + field + "): " + message;
    }
}
