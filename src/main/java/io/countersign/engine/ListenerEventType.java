package io.countersign.engine;

import java.util.Locale;

/** User-task lifecycle events a {@code zeebe:taskListener} can listen to (Camunda 8.8+ names). */
public enum ListenerEventType {
    /** The task is being created; it becomes visible (CREATED) after the listeners complete. */
    CREATING,
    /** An assignee is being set (also right after creation when the model assigns one). */
    ASSIGNING,
    /** The task is being completed; the process continues after the listeners complete. */
    COMPLETING,
    /** The task is being canceled (boundary event, termination, instance cancellation). */
    CANCELING;

    /** The BPMN attribute value, e.g. {@code creating}. */
    public String bpmnName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
