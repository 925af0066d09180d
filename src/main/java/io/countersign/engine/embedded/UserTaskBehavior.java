package io.countersign.engine.embedded;

import io.countersign.engine.ListenerEventType;
import io.countersign.engine.embedded.Feel.EvaluationException;
import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.ProcessModel.UserTaskDef;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Camunda user tasks: on activation the task is created (through its {@code creating}
 * listeners, and {@code assigning} ones when it has an assignee); the task completes through
 * {@link UserTaskLifecycle}; terminating it runs its {@code canceling} listeners first.
 */
final class UserTaskBehavior extends FlowNodeBehavior {

    UserTaskBehavior(Behaviors b) {
        super(b);
    }

    @Override
    public Runnable onActivating(ElementRow element, Node node, Map<String, Object> vars) {
        UserTaskDef def = node.userTask();
        String assignee = def.assignee() == null ? null : b.feel.string(def.assignee(), vars, "assignee");
        List<String> groups = b.feel.stringList(def.candidateGroups(), vars, "candidateGroups");
        List<String> users = b.feel.stringList(def.candidateUsers(), vars, "candidateUsers");
        OffsetDateTime due = null;
        if (def.dueDate() != null) {
            Object v = b.feel.value(def.dueDate(), vars, "EXTRACT_VALUE_ERROR");
            try {
                due = Timers.schedule("DATE", v, b.now).dueAt();
            } catch (IllegalArgumentException ex) {
                throw new EvaluationException("EXTRACT_VALUE_ERROR", "dueDate: " + ex.getMessage());
            }
        }
        OffsetDateTime dueDate = due;
        // Without creating (and, for an assignee, assigning) listeners the task is written
        // CREATED at once: the intermediate states would never be visible outside this step.
        boolean direct = def.listeners(ListenerEventType.CREATING).isEmpty()
                && (assignee == null || def.listeners(ListenerEventType.ASSIGNING).isEmpty());
        return () -> {
            UserTaskRow ut = new UserTaskRow(b.store.nextKey(), element.key(), element.instanceKey(),
                    element.elementId(), direct ? "CREATED" : "CREATING", direct ? assignee : null, Json.write(groups),
                    Json.write(users), dueDate, 0, direct ? null : assignee, null);
            b.store.insertUserTask(ut, b.now);
            if (!direct) {
                b.userTasks.beginTransition(ut, ListenerEventType.CREATING);
            }
        };
    }

    @Override
    public void onActivated(ElementRow element, Node node) {
        // waits: completing the task (after its completing listeners) completes the element
    }

    @Override
    public void onTerminating(ElementRow element, Node node) {
        b.store.deleteJobsOf(element.key());
        UserTaskRow ut = b.store.userTaskOfElement(element.key());
        // Canceling listeners run even while CREATING: a creating listener may already have
        // done its work (e.g. opened an inbox row) before the task was canceled.
        if (ut != null && !node.userTask().listeners(ListenerEventType.CANCELING).isEmpty()) {
            b.userTasks.beginTransition(ut, ListenerEventType.CANCELING);
        } else {
            b.transitions.finishTermination(element);
        }
    }
}
