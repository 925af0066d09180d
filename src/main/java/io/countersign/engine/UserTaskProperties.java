package io.countersign.engine;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * User-task data carried by a task-listener job (Camunda 8's {@code ActivatedJob#getUserTask()}).
 *
 * @param userTaskKey key to pass to {@link WorkflowEngine#completeUserTask}
 * @param elementId the BPMN id of the user task
 * @param processInstanceKey the instance the task belongs to
 * @param assignee current (or, for ASSIGNING, the new) assignee; null when unassigned
 * @param candidateGroups evaluated candidate groups, never null
 * @param candidateUsers evaluated candidate users, never null
 * @param dueDate evaluated due date, or null
 */
public record UserTaskProperties(long userTaskKey, String elementId, long processInstanceKey, String assignee,
        List<String> candidateGroups, List<String> candidateUsers, OffsetDateTime dueDate) {

    public UserTaskProperties {
        candidateGroups = List.copyOf(candidateGroups);
        candidateUsers = List.copyOf(candidateUsers);
    }
}
