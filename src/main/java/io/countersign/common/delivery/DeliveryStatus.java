package io.countersign.common.delivery;

/** Lifecycle of a delivery row (engine outbox, notifications). */
public enum DeliveryStatus {
    /** Waiting for (another) delivery attempt. */
    PENDING,
    /** Delivered (or found already applied); {@code outcome} says which. */
    DELIVERED,
    /** Failed {@code max-attempts} times; waits for an admin retry. Blocks later rows of its ordering key. */
    PARKED
}
