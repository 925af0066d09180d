package io.countersign.engine;

/** Lifecycle of a process instance. */
public enum ProcessInstanceState {
    /** Running (possibly waiting or with an open incident). */
    ACTIVE,
    /** Reached its end. */
    COMPLETED,
    /** Canceled or terminated. */
    TERMINATED
}
