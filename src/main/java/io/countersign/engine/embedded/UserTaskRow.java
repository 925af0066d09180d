package io.countersign.engine.embedded;

import java.time.OffsetDateTime;

/**
 * An open user task ({@code engine_user_task}). While a lifecycle transition waits for its
 * listeners, {@code state} names the transition and the {@code pending*} fields hold its input.
 */
record UserTaskRow(long key, long elementKey, long instanceKey, String elementId, String state, String assignee,
        String candidateGroups, String candidateUsers, OffsetDateTime dueDate, int listenerIndex,
        String pendingAssignee, String pendingVariables) {

    UserTaskRow withPendingAssignee(String assignee) {
        return new UserTaskRow(key, elementKey, instanceKey, elementId, state, this.assignee, candidateGroups,
                candidateUsers, dueDate, listenerIndex, assignee, pendingVariables);
    }

    UserTaskRow withPendingVariables(String variables) {
        return new UserTaskRow(key, elementKey, instanceKey, elementId, state, assignee, candidateGroups,
                candidateUsers, dueDate, listenerIndex, pendingAssignee, variables);
    }
}
