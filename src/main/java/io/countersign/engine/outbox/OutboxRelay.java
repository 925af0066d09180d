package io.countersign.engine.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.DatabaseOutage;
import io.countersign.common.background.BackgroundLoop;
import io.countersign.common.background.BackgroundLoop.Next;
import io.countersign.common.background.WorkerPool;
import io.countersign.engine.EngineConflictException;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.WorkflowEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers outbox rows through the {@link WorkflowEngine} port: woken right after a commit that
 * enqueued something, and polling as a fallback (rows of other replicas, retries that fell due).
 * Every replica may run it: rows are claimed with a conditional update and a lease. A failed
 * attempt is retried with exponential backoff and jitter; after {@code max-attempts} the row is
 * parked (metric {@code countersign.outbox.entries{status=parked}}, readiness data, admin API).
 */
@ApplicationScoped
public class OutboxRelay {

    @Inject
    OutboxStore store;

    @Inject
    OutboxConfig config;

    @Inject
    WorkflowEngine engine;

    @Inject
    MeterRegistry registry;

    private final String owner = "relay-" + UUID.randomUUID();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private volatile BackgroundLoop loop;
    private ExecutorService deliverers;
    private Counter delivered;
    private Counter failed;
    private Counter parkedTotal;

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("countersign.outbox.entries", pending, AtomicLong::get).tag("status", "pending")
                .description("Outbox rows waiting for delivery").register(registry);
        Gauge.builder("countersign.outbox.entries", parked, AtomicLong::get).tag("status", "parked")
                .description("Outbox rows parked after too many failed attempts").register(registry);
        delivered = Counter.builder("countersign.outbox.deliveries").tag("outcome", "delivered").register(registry);
        failed = Counter.builder("countersign.outbox.deliveries").tag("outcome", "retry").register(registry);
        parkedTotal = Counter.builder("countersign.outbox.deliveries").tag("outcome", "parked").register(registry);
        refreshCounts();
        if (config.relayEnabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        if (loop != null) {
            return;
        }
        deliverers = WorkerPool.fixed("outbox-deliverer", config.deliveryThreads());
        // Rounds until one finds nothing due, then the counts for the gauges and the health check.
        loop = BackgroundLoop.named("outbox-relay").poll(config.pollInterval()).metrics(registry).build(() -> {
            if (deliverDue() > 0) {
                return Next.more();
            }
            refreshCounts();
            return Next.idle();
        });
        loop.start();
        Log.infof("outbox relay started (%s)", owner);
    }

    /** Stops the relay after the round in progress; deliveries still running get 5 s, then are interrupted. */
    synchronized void stop() {
        if (loop == null) {
            return;
        }
        loop.stop();
        loop = null;
        WorkerPool.drain(deliverers, Duration.ofSeconds(5));
        deliverers = null;
    }

    /** Asks the relay to look for due rows now (called after a commit that enqueued one). */
    public void wake() {
        BackgroundLoop l = loop;
        if (l != null) {
            l.wake();
        }
    }

    /** Rows waiting for delivery, as of the last relay round. */
    public long pendingCount() {
        return pending.get();
    }

    /** Parked rows, as of the last relay round. */
    public long parkedCount() {
        return parked.get();
    }

    /** One round: claims due rows and delivers them in parallel; returns how many were handled. */
    int deliverDue() throws InterruptedException {
        List<OutboxStore.Claimed> claimed = store.claimDue(owner, config.batchSize(), config.claimTimeout());
        List<Future<?>> running = new ArrayList<>();
        for (OutboxStore.Claimed row : claimed) {
            running.add(deliverers.submit(() -> deliver(row)));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (DatabaseOutage.causedBy(e.getCause())) {
                    // Delivered (or not) but its result could not be recorded: the claim expires
                    // and the row is delivered again, which the engine de-duplicates.
                    Log.warnf("outbox delivery could not record its result, the database is unreachable (%s); "
                            + "the row is retried after its claim expires", e.getCause().getMessage());
                } else {
                    Log.errorf(e.getCause(), "outbox delivery crashed");
                }
            }
        }
        return claimed.size();
    }

    void refreshCounts() {
        Map<OutboxStatus, Long> counts = store.counts();
        pending.set(counts.get(OutboxStatus.PENDING));
        parked.set(counts.get(OutboxStatus.PARKED));
    }

    private record Outcome(Long resultKey, String text) {
    }

    private void deliver(OutboxStore.Claimed row) {
        Outcome outcome;
        try {
            outcome = execute(row);
        } catch (RuntimeException e) {
            int attempts = row.attempts() + 1;
            boolean park = attempts >= config.maxAttempts();
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            OffsetDateTime next = store.now().plus(backoff(attempts));
            if (store.markFailed(row.id(), owner, error, park, next)) {
                if (park) {
                    parkedTotal.increment();
                    Log.errorf("outbox row %d (%s %s) parked after %d attempts: %s", row.id(), row.type(),
                            row.dedupKey(), attempts, error);
                } else {
                    failed.increment();
                    Log.debugf("outbox row %d attempt %d failed, next at %s: %s", row.id(), attempts, next, error);
                }
            }
            return;
        }
        if (store.markDelivered(row.id(), owner, outcome.resultKey(), outcome.text())) {
            delivered.increment();
        } else {
            Log.warnf("outbox row %d was delivered after its claim expired; another replica may deliver it too",
                    row.id());
        }
    }

    /** Exponential backoff with 20% jitter so replicas do not retry in lockstep. */
    Duration backoff(int attempts) {
        long base = config.initialBackoff().toMillis() << Math.min(Math.max(0, attempts - 1), 30);
        long capped = Math.min(Math.max(base, 0), config.maxBackoff().toMillis());
        long jitter = (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(capped - jitter);
    }

    /**
     * Runs a command that only matters while the user task is open. A task that is gone was
     * completed by an earlier attempt whose answer was lost, or canceled meanwhile (review
     * timeout, the agent's cancellation): either way nothing is left to change.
     */
    private Outcome onOpenUserTask(long task, Runnable command) {
        try {
            command.run();
            return new Outcome(task, "delivered");
        } catch (EngineNotFoundException gone) {
            return new Outcome(task, "already applied: user task no longer open");
        }
    }

    private Outcome execute(OutboxStore.Claimed row) {
        JsonNode payload = OutboxPayloads.read(row.payload());
        switch (row.type()) {
            case START -> {
                Map<String, Object> variables = OutboxPayloads.variables(payload);
                variables.putIfAbsent(WorkflowEngine.BUSINESS_ID_VARIABLE, row.dedupKey());
                try {
                    return new Outcome(engine.startInstance(payload.path("processId").asText(), variables),
                            "delivered");
                } catch (EngineConflictException alreadyStarted) {
                    // Business-id uniqueness (the embedded engine always, Camunda with uniqueness
                    // control) refused a second active instance for this dedup key: an earlier
                    // attempt whose answer was lost did start it.
                    return new Outcome(null, "already applied: " + alreadyStarted.getMessage());
                }
            }
            case MESSAGE -> {
                String messageId = payload.hasNonNull("messageId") ? payload.path("messageId").asText() : null;
                try {
                    return new Outcome(engine.publishMessage(payload.path("name").asText(),
                            payload.path("correlationKey").asText(), Duration.ofMillis(payload.path("ttlMillis")
                                    .asLong()), messageId, OutboxPayloads.variables(payload)), "delivered");
                } catch (EngineConflictException duplicate) {
                    return new Outcome(null, "already applied: duplicate message id");
                }
            }
            case CANCEL -> {
                long key;
                if (payload.hasNonNull("processInstanceKey")) {
                    key = payload.path("processInstanceKey").asLong();
                } else {
                    String start = payload.path("startDedupKey").asText();
                    key = store.resultKeyOf(start).orElseThrow(() -> new IllegalStateException(
                            "the instance key of start " + start + " is unknown (not delivered, or refused as a "
                                    + "duplicate without a key)"));
                }
                try {
                    engine.cancelInstance(key);
                    return new Outcome(key, "delivered");
                } catch (EngineNotFoundException ended) {
                    return new Outcome(key, "already applied: instance not active");
                }
            }
            case COMPLETE_USER_TASK -> {
                long task = payload.path("userTaskKey").asLong();
                return onOpenUserTask(task, () -> engine.completeUserTask(task, OutboxPayloads.variables(payload)));
            }
            case ASSIGN_USER_TASK -> {
                long task = payload.path("userTaskKey").asLong();
                String assignee = payload.hasNonNull("assignee") ? payload.path("assignee").asText() : null;
                return onOpenUserTask(task, () -> engine.assignUserTask(task, assignee));
            }
            case UPDATE_CANDIDATE_GROUPS -> {
                long task = payload.path("userTaskKey").asLong();
                List<String> groups = OutboxPayloads.strings(payload.path("candidateGroups"));
                return onOpenUserTask(task, () -> engine.updateUserTaskCandidateGroups(task, groups));
            }
            default -> throw new IllegalStateException("unknown outbox command " + row.type());
        }
    }
}
