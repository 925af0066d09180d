package io.countersign.engine.embedded;

import io.countersign.engine.JobKind;
import io.countersign.engine.ListenerEventType;
import io.countersign.engine.embedded.Feel.EvaluationException;
import io.countersign.engine.embedded.ProcessModel.Listener;
import io.countersign.engine.embedded.Step.Cmd;
import java.util.List;
import java.util.Map;

/**
 * A user task's lifecycle transitions (creating, assigning, completing, canceling) with their
 * {@code zeebe:taskListener}s, as in Camunda 8.8+: each listener is a job, run one after the
 * other, and the transition takes effect when the last one completes.
 */
final class UserTaskLifecycle {

    private final Behaviors b;

    UserTaskLifecycle(Behaviors b) {
        this.b = b;
    }

    /** Starts a lifecycle transition: runs the first listener job, or finishes at once without listeners. */
    void beginTransition(UserTaskRow ut, ListenerEventType event) {
        ElementRow e = b.store.element(ut.elementKey());
        List<Listener> listeners = b.node(e).userTask().listeners(event);
        if (listeners.isEmpty()) {
            // No listener job to wait for: the transition ends in this step, so its intermediate
            // state is never written (finishTransition writes the outcome from the given row).
            finishTransition(ut, event);
        } else {
            b.store.beginUserTaskTransition(ut.key(), event.name());
            createListenerJob(e, listeners.get(0));
        }
    }

    boolean hasListeners(UserTaskRow ut, ListenerEventType event) {
        return !b.node(b.store.element(ut.elementKey())).userTask().listeners(event).isEmpty();
    }

    private void createListenerJob(ElementRow e, Listener l) {
        Map<String, Object> vars = b.variables.visible(e.key());
        String type;
        int retries;
        try {
            type = b.feel.string(l.type(), vars, "task listener type");
            retries = JobBehavior.retries(b.feel.value(l.retries(), vars, "EXTRACT_VALUE_ERROR"),
                    "task listener retries");
        } catch (EvaluationException ex) {
            b.incident(e, ex.errorType, ex.getMessage(), null);
            return;
        }
        b.jobs.create(e, type, retries, JobKind.TASK_LISTENER, l.eventType(), b.node(e).headers());
    }

    /** A listener job of the task completed: run the next listener, or finish the transition. */
    void listenerCompleted(UserTaskRow ut, ListenerEventType event) {
        if (!event.name().equals(ut.state())) {
            return;
        }
        ElementRow e = b.store.element(ut.elementKey());
        List<Listener> listeners = b.node(e).userTask().listeners(event);
        int next = ut.listenerIndex() + 1;
        if (next < listeners.size()) {
            b.store.setListenerIndex(ut.key(), next);
            createListenerJob(e, listeners.get(next));
        } else {
            finishTransition(ut, event);
        }
    }

    @SuppressWarnings("unchecked")
    private void finishTransition(UserTaskRow ut, ListenerEventType event) {
        ElementRow e = b.store.element(ut.elementKey());
        switch (event) {
            case CREATING -> {
                if (ut.pendingAssignee() != null) {
                    beginTransition(ut, ListenerEventType.ASSIGNING);
                } else {
                    b.store.setUserTaskCreated(ut.key());
                }
            }
            case ASSIGNING -> b.store.setUserTaskAssigned(ut.key(), ut.pendingAssignee());
            case COMPLETING -> {
                Map<String, Object> vars = ut.pendingVariables() == null ? Map.of()
                        : (Map<String, Object>) Json.read(ut.pendingVariables());
                b.store.deleteUserTask(ut.key());
                if ("ACTIVATED".equals(e.state())) {
                    b.variables.setEventVariables(e, b.node(e), vars);
                    b.enqueue(Cmd.COMPLETE, e.key());
                }
            }
            case CANCELING -> b.transitions.finishTermination(e);
            default -> throw new IllegalStateException();
        }
    }
}
