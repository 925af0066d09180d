package io.countersign.policy;

import java.util.Locale;

/** What the policy decided for a request: refuse it, let it through, or send it to people. */
public enum PolicyOutcome {
    DENY,
    AUTO_APPROVE,
    REVIEW;

    /** The spelling used in policy files: {@code deny}, {@code auto-approve}, {@code review}. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static PolicyOutcome fromFileName(String s) {
        for (PolicyOutcome o : values()) {
            if (o.fileName().equals(s)) {
                return o;
            }
        }
        return null;
    }
}
