package io.countersign.engine;

/** Lifecycle of one element instance (Zeebe's intents, collapsed to states). */
public enum ElementInstanceState {
    ACTIVATING, ACTIVATED, COMPLETING, COMPLETED, TERMINATING, TERMINATED;

    /** True for COMPLETED and TERMINATED. */
    public boolean ended() {
        return this == COMPLETED || this == TERMINATED;
    }
}
