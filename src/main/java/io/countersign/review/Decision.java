package io.countersign.review;

import java.util.Locale;
import java.util.Optional;

/** What a reviewer decides; {@link #bpmnValue()} is the {@code decision} variable the BPMN routes on. */
public enum Decision {
    APPROVE("approve"), REJECT("reject"), REQUEST_CHANGES("request-changes");

    private final String bpmnValue;

    Decision(String bpmnValue) {
        this.bpmnValue = bpmnValue;
    }

    public String bpmnValue() {
        return bpmnValue;
    }

    /** Parses the form value ({@code approve}, {@code reject}, {@code request-changes}). */
    public static Optional<Decision> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String v = s.strip().toLowerCase(Locale.ROOT);
        for (Decision d : values()) {
            if (d.bpmnValue.equals(v)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
