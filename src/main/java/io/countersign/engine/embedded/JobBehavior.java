package io.countersign.engine.embedded;

import io.countersign.engine.ActivatedJob;
import io.countersign.engine.JobKind;
import io.countersign.engine.ListenerEventType;
import io.countersign.engine.embedded.EngineCore.Reservation;
import io.countersign.engine.embedded.Feel.EvaluationException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates jobs for service tasks and task listeners. A service-task job whose type has a local
 * worker with a free slot is created ACTIVATED, locked to that worker for its timeout, and
 * handed to it right after the commit (no claiming transaction); if the process dies before the
 * handler completes it, it is re-delivered after the timeout, like any activated job. Other
 * jobs are created ACTIVATABLE and the job loop, woken after the commit, claims them.
 */
final class JobBehavior {

    /** A job created for a reserved worker slot. */
    private static final class PushedJob {
        final long key;
        final long elementKey;
        final String type;
        final int retries;
        final Map<String, String> headers;
        final OffsetDateTime deadline;
        final Reservation slot;
        /** Given back already (its element ended in the step), so a rollback must not release it again. */
        boolean released;

        PushedJob(long key, long elementKey, String type, int retries, Map<String, String> headers,
                OffsetDateTime deadline, Reservation slot) {
            this.key = key;
            this.elementKey = elementKey;
            this.type = type;
            this.retries = retries;
            this.headers = headers;
            this.deadline = deadline;
            this.slot = slot;
        }
    }

    private final Behaviors b;
    private final EngineSignals signals;
    private final Set<String> newJobTypes = new LinkedHashSet<>();
    /** Jobs created ACTIVATED for a local worker slot, delivered after the commit. */
    private final List<PushedJob> pushed = new ArrayList<>();

    JobBehavior(Behaviors b, EngineSignals signals) {
        this.b = b;
        this.signals = signals;
    }

    void create(ElementRow e, String type, int retries, JobKind kind, ListenerEventType event,
            Map<String, String> headers) {
        ProcessModel m = b.model(e);
        long key = b.store.nextKey();
        Reservation slot = kind == JobKind.BPMN_ELEMENT ? signals.jobPush.reserve(type) : null;
        OffsetDateTime deadline = slot == null ? null : b.now.plus(slot.timeout());
        b.store.insertJob(new EngineStore.NewJob(key, e, m.bpmnProcessId(), m.version(), type, kind.name(),
                event == null ? null : event.name(), retries, Json.write(headers), b.now, deadline));
        if (slot == null) {
            newJobTypes.add(type);
            return;
        }
        if (pushed.isEmpty()) {
            b.store.afterRollback(() -> pushed.forEach(p -> {
                if (!p.released) {
                    p.slot.release();
                }
            }));
        }
        pushed.add(new PushedJob(key, e.key(), type, retries, headers, deadline, slot));
    }

    /** Tells the job loop, after the commit, about the job types that got activatable jobs so far. */
    void signalNewJobs() {
        if (!newJobTypes.isEmpty()) {
            Set<String> types = Set.copyOf(newJobTypes);
            newJobTypes.clear();
            b.store.afterCommit(() -> signals.jobsAvailable.accept(types));
        }
    }

    /** Tells the job loop, after the commit, that a failed or resolved job of the type is activatable again. */
    void signalActivatable(String type) {
        b.store.afterCommit(() -> signals.jobsAvailable.accept(Set.of(type)));
    }

    /**
     * Builds the pushed jobs with the variables as this step leaves them, and delivers them
     * after the commit; a job whose element ended later in the step was deleted with it.
     */
    void preparePushedJobs() {
        List<Runnable> deliveries = new ArrayList<>();
        for (PushedJob p : pushed) {
            ElementRow e = b.store.element(p.elementKey);
            if (!"ACTIVATED".equals(e.state())) {
                p.released = true;
                p.slot.release();
                continue;
            }
            ProcessModel m = b.model(e);
            ActivatedJob job = new ActivatedJob(p.key, p.type, JobKind.BPMN_ELEMENT, null, e.instanceKey(),
                    m.bpmnProcessId(), m.version(), e.elementId(), e.key(), b.variables.visible(e.key()), p.retries,
                    p.headers, null, p.deadline.toInstant().toEpochMilli());
            deliveries.add(() -> p.slot.deliver(job));
        }
        if (!deliveries.isEmpty()) {
            b.store.afterCommit(() -> deliveries.forEach(Runnable::run));
        }
    }

    /** A job's retries from an evaluated expression. */
    static int retries(Object v, String what) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException ex) {
                // fall through to the incident below
            }
        }
        throw new EvaluationException("EXTRACT_VALUE_ERROR", "expected " + what + " to be a number, but it was "
                + Feel.describe(v));
    }
}
