package io.countersign.engine;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * An open user task.
 *
 * @param state CREATING, CREATED, ASSIGNING, COMPLETING or CANCELING (Camunda's user task states)
 */
public record UserTaskView(long userTaskKey, long processInstanceKey, long elementInstanceKey, String elementId,
        String state, String assignee, List<String> candidateGroups, List<String> candidateUsers,
        OffsetDateTime dueDate) {
}
