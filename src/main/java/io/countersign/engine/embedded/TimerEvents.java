package io.countersign.engine.embedded;

import io.countersign.engine.embedded.Feel.EvaluationException;
import io.countersign.engine.embedded.ProcessModel.Kind;
import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.Step.Cmd;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Timer catch and boundary events: schedule a timer on activation and react when it fires. A
 * non-interrupting cycle timer schedules its next repetition each time it fires.
 */
final class TimerEvents {

    private final Behaviors b;
    private final EngineSignals signals;
    private OffsetDateTime earliestTimer;

    TimerEvents(Behaviors b, EngineSignals signals) {
        this.b = b;
        this.signals = signals;
    }

    Runnable prepare(ElementRow owner, Node event, Map<String, Object> vars) {
        Object v = b.feel.value(event.timer().expression(), vars, "EXTRACT_VALUE_ERROR");
        if (event.timer().expression().startsWith("=")) {
            v = b.feel.evaluateRaw(event.timer().expression().substring(1), vars, "EXTRACT_VALUE_ERROR");
        }
        Timers.Schedule sched;
        try {
            sched = Timers.schedule(event.timer().kind(), v, b.now);
        } catch (IllegalArgumentException ex) {
            throw new EvaluationException("EXTRACT_VALUE_ERROR", event.id() + ": " + ex.getMessage());
        }
        int reps = event.cancelActivity() || event.kind() != Kind.BOUNDARY_EVENT ? 1 : sched.repetitions();
        return () -> schedule(owner, event.id(), sched.dueAt(), reps, sched.interval());
    }

    private void schedule(ElementRow owner, String targetId, OffsetDateTime due, int repetitions, String interval) {
        b.store.insertTimer(owner.instanceKey(), owner.key(), targetId, due, repetitions, interval);
        if (earliestTimer == null || due.isBefore(earliestTimer)) {
            earliestTimer = due;
        }
    }

    /** A claimed timer fired: trigger its boundary event, or complete its catch event. */
    void fired(EngineStore.Timer t) {
        ElementRow e = b.store.element(t.elementKey());
        Node target = b.model(e).node(t.targetElementId());
        if (target.kind() == Kind.BOUNDARY_EVENT) {
            boolean fired = b.boundaries.trigger(e, target, Map.of());
            int reps = t.repetitions();
            if (fired && !target.cancelActivity() && t.interval() != null && reps != 1) {
                OffsetDateTime next = Timers.plus(t.dueAt(), t.interval());
                if (next.isBefore(b.now)) {
                    next = Timers.plus(b.now, t.interval());
                }
                schedule(e, target.id(), next, reps < 0 ? -1 : reps - 1, t.interval());
            }
        } else if ("ACTIVATED".equals(e.state())) {
            b.enqueue(Cmd.COMPLETE, e.key());
        }
    }

    /** Tells the timer loop, after the commit, the earliest timer scheduled so far. */
    void signalEarliest() {
        if (earliestTimer != null) {
            OffsetDateTime due = earliestTimer;
            earliestTimer = null;
            b.store.afterCommit(() -> signals.timerScheduled.accept(due));
        }
    }
}
