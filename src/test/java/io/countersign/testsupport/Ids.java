package io.countersign.testsupport;

import java.util.UUID;

/** Identifiers that no other test (or earlier run on the same database) uses. */
public final class Ids {

    private Ids() {
    }

    /** {@code prefix} plus eight random hex digits, e.g. {@code fred-1a2b3c4d}. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
