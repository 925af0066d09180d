package io.countersign.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy file was refused; carries every violation found, each naming its rule and field. */
public class PolicyLoadException extends RuntimeException {

    private final String source;
    private final List<PolicyViolation> violations;

    public PolicyLoadException(String source, List<PolicyViolation> violations) {
        super("Policy " + source + " refused: " + violations.stream().map(PolicyViolation::describe)
                .collect(Collectors.joining("; ")), null, false, false);
        this.source = source;
        this.violations = List.copyOf(violations);
    }

    /** Where the refused file came from, e.g. {@code file:/etc/countersign/policy.yaml}. */
    public String source() {
        return source;
    }

    public List<PolicyViolation> violations() {
        return violations;
    }
}
