package io.countersign.engine.outbox;

/** The engine commands the outbox carries. */
public enum OutboxCommandType {
    /** {@code WorkflowEngine.startInstance}. */
    START,
    /** {@code WorkflowEngine.publishMessage}. */
    MESSAGE,
    /** {@code WorkflowEngine.cancelInstance}, by key or by the start command that created the instance. */
    CANCEL,
    /** {@code WorkflowEngine.completeUserTask}. */
    COMPLETE_USER_TASK,
    /** {@code WorkflowEngine.assignUserTask} (a null assignee unassigns). */
    ASSIGN_USER_TASK,
    /** {@code WorkflowEngine.updateUserTaskCandidateGroups}. */
    UPDATE_CANDIDATE_GROUPS
}
