package io.countersign.engine.embedded;

/** A job ({@code engine_job}): a service task's work item or a task listener's. */
record JobRow(long key, long instanceKey, long elementKey, String elementId, String bpmnProcessId, int version,
        String type, String kind, String listenerEvent, int retries, String state, String headers) {

    /** True while a worker may still complete, fail or throw from it. */
    boolean open() {
        return "ACTIVATED".equals(state) || "ACTIVATABLE".equals(state);
    }
}
