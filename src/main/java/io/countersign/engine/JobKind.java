package io.countersign.engine;

/** What created a job; mirrors Camunda 8's {@code JobKind}. */
public enum JobKind {
    /** A service task's {@code zeebe:taskDefinition}. */
    BPMN_ELEMENT,
    /** A user task's {@code zeebe:taskListener}. */
    TASK_LISTENER
}
