package io.countersign.common.delivery;

import io.countersign.common.ProblemException;
import java.util.Locale;

/** Lifecycle of a delivery row (engine outbox, notifications). */
public enum DeliveryStatus {
    /** Waiting for (another) delivery attempt. */
    PENDING,
    /** Delivered (or found already applied); {@code outcome} says which. */
    DELIVERED,
    /** Failed {@code max-attempts} times; waits for an admin retry. Blocks later rows of its ordering key. */
    PARKED;

    /** An admin list's {@code status} parameter: a status, or null for {@code ALL}; else a 400 naming the values. */
    public static DeliveryStatus filter(String status) {
        if ("ALL".equalsIgnoreCase(status)) {
            return null;
        }
        try {
            return valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid-status",
                    "status must be PARKED, PENDING, DELIVERED or ALL, not '" + status + "'");
        }
    }
}
