package io.countersign.engine.embedded;

import io.countersign.engine.EngineNotFoundException;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One transaction's worth of work on one or more locked instances: the step driver. Commands
 * lock an instance and queue element commands; {@link #run()} drains the queue, handing each
 * command to {@link TransitionBehavior}, which calls the element's behaviour. The driver
 * decides nothing about BPMN itself.
 */
final class Step {

    /** What can happen to an element instance. */
    enum Cmd {
        ACTIVATE, COMPLETE, TERMINATE, CHILD_ENDED
    }

    private record Work(Cmd cmd, long key) {
    }

    final EngineStore store;
    final Behaviors b;
    private final ArrayDeque<Work> queue = new ArrayDeque<>();

    Step(EngineStore store, ProcessDefinitions definitions, EngineSignals signals, OffsetDateTime now) {
        this.store = store;
        this.b = new Behaviors(this, store, definitions, signals, now);
        // Pushed jobs carry the variables as the step leaves them: built before the buffers are written.
        store.beforeFlush(b.jobs::preparePushedJobs);
    }

    void enqueue(Cmd cmd, long key) {
        queue.add(new Work(cmd, key));
    }

    void run() {
        Work w;
        while ((w = queue.poll()) != null) {
            ElementRow e = store.element(w.key());
            switch (w.cmd()) {
                case ACTIVATE -> b.transitions.activate(e);
                case COMPLETE -> b.transitions.complete(e);
                case TERMINATE -> b.transitions.terminate(e);
                case CHILD_ENDED -> b.transitions.childEnded(e);
                default -> throw new IllegalStateException();
            }
        }
        b.jobs.signalNewJobs();
        b.timers.signalEarliest();
    }

    // ---------------------------------------------------------------- locking

    /** Locks an instance (null when there is none); no other step advances it until this one commits. */
    InstanceRow lockInstance(long instanceKey) {
        return known(store.lockInstance(instanceKey));
    }

    private InstanceRow known(InstanceRow i) {
        if (i != null) {
            b.knowInstance(i);
        }
        return i;
    }

    /** Locks the instance of a job and reads the job after the lock. */
    JobRow lockJob(long jobKey) {
        JobRow job = known(store.lockInstanceOfJob(jobKey)) == null ? null : store.job(jobKey);
        if (job == null) {
            throw new EngineNotFoundException("no job with key " + jobKey + " (completed, canceled or never existed)");
        }
        store.preload(List.of(job.elementKey(), job.instanceKey()));
        return job;
    }

    /** Locks the instance of a user task and reads the task after the lock. */
    UserTaskRow lockUserTask(long userTaskKey) {
        UserTaskRow ut = known(store.lockInstanceOfUserTask(userTaskKey)) == null ? null
                : store.userTask(userTaskKey);
        if (ut == null) {
            throw new EngineNotFoundException("no open user task with key " + userTaskKey);
        }
        store.preload(List.of(ut.elementKey(), ut.instanceKey()));
        return ut;
    }
}
