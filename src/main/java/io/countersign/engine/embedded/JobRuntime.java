package io.countersign.engine.embedded;

import io.countersign.common.background.BackgroundLoop;
import io.countersign.common.background.BackgroundLoop.Next;
import io.countersign.common.background.WorkerPool;
import io.countersign.engine.ActivatedJob;
import io.countersign.engine.EngineConflictException;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.JobHandler;
import io.countersign.engine.JobResult;
import io.countersign.engine.JobWorkerOptions;
import io.countersign.engine.JobWorkerRegistration;
import io.countersign.engine.WorkflowEngine;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers jobs to registered handlers: one loop thread claims jobs (conditional UPDATE with a
 * lock deadline) and hands them to a small worker pool; handlers run outside any engine
 * transaction. The loop is woken after commits that create jobs and otherwise polls at a
 * bounded interval, which also re-delivers jobs whose lock expired (their worker died).
 */
final class JobRuntime {

    private final TxRunner tx;
    private final EngineCore core;
    private final WorkflowEngine engine;
    private final Duration pollInterval;
    private final int batch;
    private final int threads;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final String workerId = "embedded-" + UUID.randomUUID();
    private volatile BackgroundLoop loop;
    private ExecutorService pool;

    private final class Worker implements JobWorkerRegistration {
        final String type;
        final JobWorkerOptions options;
        final JobHandler handler;
        final AtomicInteger active = new AtomicInteger();

        Worker(String type, JobWorkerOptions options, JobHandler handler) {
            this.type = type;
            this.options = options;
            this.handler = handler;
        }

        @Override
        public String jobType() {
            return type;
        }

        @Override
        public void close() {
            workers.remove(type, this);
        }
    }

    JobRuntime(TxRunner tx, EngineCore core, WorkflowEngine engine, int threads, Duration pollInterval, int batch) {
        this.tx = tx;
        this.core = core;
        this.engine = engine;
        this.threads = threads;
        this.pollInterval = pollInterval;
        this.batch = batch;
    }

    JobWorkerRegistration register(String type, JobWorkerOptions options, JobHandler handler) {
        Worker w = new Worker(type, options, handler);
        if (workers.putIfAbsent(type, w) != null) {
            throw new IllegalStateException("a handler for job type '" + type + "' is already registered");
        }
        wake();
        return w;
    }

    /**
     * A running slot of the type's worker for a job that a step creates already activated
     * (EngineCore.Step#insertJob), or null when no worker for the type is registered, the loops
     * are not running or the worker has {@code maxJobsActive} jobs already.
     */
    EngineCore.Reservation reserve(String type) {
        Worker w = workers.get(type);
        if (w == null || !running()) {
            return null;
        }
        for (;;) {
            int active = w.active.get();
            if (active >= w.options.maxJobsActive()) {
                return null;
            }
            if (w.active.compareAndSet(active, active + 1)) {
                break;
            }
        }
        return new EngineCore.Reservation() {
            @Override
            public Duration timeout() {
                return w.options.timeout();
            }

            @Override
            public void deliver(ActivatedJob job) {
                submit(w, job);
            }

            @Override
            public void release() {
                w.active.decrementAndGet();
            }
        };
    }

    /** Runs a job on the pool; the worker's slot is already taken and is freed when the handler is done. */
    private void submit(Worker w, ActivatedJob job) {
        try {
            pool.execute(() -> {
                try {
                    handle(w, job);
                } finally {
                    w.active.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            // Stopping: the job stays activated and is re-delivered after its timeout.
            w.active.decrementAndGet();
        }
    }

    void jobsAvailable(Set<String> types) {
        for (String t : types) {
            if (workers.containsKey(t)) {
                wake();
                return;
            }
        }
    }

    void wake() {
        BackgroundLoop l = loop;
        if (l != null) {
            l.wake();
        }
    }

    private boolean running() {
        BackgroundLoop l = loop;
        return l != null && l.running();
    }

    synchronized void start() {
        if (loop != null) {
            return;
        }
        pool = WorkerPool.fixed("engine-job-worker", threads);
        // A round that claimed jobs runs again at once: more may be activatable.
        loop = BackgroundLoop.named("engine-job-loop").poll(pollInterval).build(() -> Next.moreIf(pollOnce()));
        loop.start();
    }

    /** Stops claiming; handlers already running finish (up to 10 s). */
    synchronized void stop() {
        if (loop == null) {
            return;
        }
        loop.stop();
        loop = null;
        WorkerPool.drain(pool, Duration.ofSeconds(10));
    }

    private boolean pollOnce() {
        boolean any = false;
        for (Worker w : List.copyOf(workers.values())) {
            int capacity = Math.min(batch, w.options.maxJobsActive() - w.active.get());
            if (capacity <= 0 || !running()) {
                continue;
            }
            List<ActivatedJob> jobs = tx.inTransaction(false,
                    db -> core.activateJobs(db, w.type, capacity, w.options.timeout(), workerId));
            for (ActivatedJob job : jobs) {
                any = true;
                w.active.incrementAndGet();
                submit(w, job);
            }
        }
        return any;
    }

    private void handle(Worker w, ActivatedJob job) {
        JobResult result;
        try {
            result = w.handler.handle(job);
            if (result == null) {
                result = JobResult.complete();
            }
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            Log.debugf("handler for job %d (%s) threw: %s", job.key(), job.type(), msg);
            result = JobResult.fail(job.retries() - 1, Duration.ZERO, msg);
        }
        try {
            if (result instanceof JobResult.Complete c) {
                engine.completeJob(job.key(), c.variables());
            } else if (result instanceof JobResult.Fail f) {
                engine.failJob(job.key(), f.retries(), f.backoff(), f.errorMessage());
            } else if (result instanceof JobResult.BpmnError b) {
                engine.throwJobError(job.key(), b.errorCode(), b.errorMessage());
            }
        } catch (EngineNotFoundException e) {
            Log.debugf("job %d was gone when its handler finished: %s", job.key(), e.getMessage());
        } catch (EngineConflictException e) {
            Log.warnf("job %d (%s) result refused: %s", job.key(), job.type(), e.getMessage());
            try {
                engine.failJob(job.key(), job.retries() - 1, Duration.ZERO, e.getMessage());
            } catch (RuntimeException ignored) {
                // The job is re-delivered after its timeout.
            }
        } catch (RuntimeException e) {
            Log.warnf(e, "applying the result of job %d (%s) failed; it is re-delivered after its timeout",
                    job.key(), job.type());
        }
    }
}
