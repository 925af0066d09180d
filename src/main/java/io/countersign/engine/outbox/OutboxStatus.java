package io.countersign.engine.outbox;

/** Lifecycle of an outbox row. */
public enum OutboxStatus {
    /** Waiting for (another) delivery attempt. */
    PENDING,
    /** Delivered (or found already applied); {@code outcome} says which. */
    DELIVERED,
    /** Failed {@code max-attempts} times; waits for an admin retry. Blocks later rows of its ordering key. */
    PARKED
}
