package io.countersign.policy;

import java.util.Locale;

/** Risk class a rule assigns to the requests it matches; ordered from lowest to highest. */
public enum Risk {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    /** The spelling used in policy files: {@code low}, {@code medium}, {@code high}, {@code critical}. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Risk fromFileName(String s) {
        for (Risk r : values()) {
            if (r.fileName().equals(s)) {
                return r;
            }
        }
        return null;
    }

    static Risk max(Risk a, Risk b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
