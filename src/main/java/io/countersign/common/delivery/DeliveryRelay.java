package io.countersign.common.delivery;

import io.countersign.common.DatabaseOutage;
import io.countersign.common.background.BackgroundLoop;
import io.countersign.common.background.BackgroundLoop.Next;
import io.countersign.common.background.WorkerPool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
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
 * Delivers the rows of one {@link DeliveryTable}: woken right after a commit that enqueued
 * something, and polling as a fallback (rows of other replicas, retries that fell due). Every
 * replica may run it: rows are claimed with a conditional update and a lease. A failed attempt is
 * retried with exponential backoff and jitter (or after the time a {@link RetryLater} names);
 * after {@code max-attempts}, or at once on a {@link Undeliverable}, the row is parked (gauge
 * {@code <metrics>.entries{status=parked}}, readiness data, admin API).
 */
public abstract class DeliveryRelay {

    /** What a delivery returned: a key or reference to remember, and how it ended. */
    public record Outcome(Long resultKey, String text) {
    }

    /** A failure the receiver asked to be retried after a given time (HTTP 429/503 with Retry-After). */
    public static class RetryLater extends RuntimeException {
        private final Duration after;

        public RetryLater(String message, Duration after) {
            super(message);
            this.after = after;
        }

        public Duration after() {
            return after;
        }
    }

    /** A failure no retry can fix (the receiver refused the request itself): the row is parked at once. */
    public static class Undeliverable extends RuntimeException {
        public Undeliverable(String message) {
            super(message);
        }
    }

    private final String name;
    private final String metrics;
    private final String owner;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private volatile BackgroundLoop loop;
    private ExecutorService deliverers;
    private Counter delivered;
    private Counter failed;
    private Counter parkedTotal;

    /**
     * @param name the relay's thread and log name, e.g. {@code outbox-relay}
     * @param metrics metric prefix, e.g. {@code countersign.outbox}
     */
    protected DeliveryRelay(String name, String metrics) {
        this.name = name;
        this.metrics = metrics;
        this.owner = name + "-" + UUID.randomUUID();
    }

    protected abstract DeliveryTable table();

    protected abstract DeliverySettings settings();

    /** Delivers one row; a thrown exception counts as a failed attempt. */
    protected abstract Outcome execute(DeliveryTable.Claimed row);

    /** Registers the gauges and counters and reads the counts once (call from the subclass's start-up). */
    protected void registerMetrics(MeterRegistry registry) {
        Gauge.builder(metrics + ".entries", pending, AtomicLong::get).tag("status", "pending")
                .description("Rows waiting for delivery").register(registry);
        Gauge.builder(metrics + ".entries", parked, AtomicLong::get).tag("status", "parked")
                .description("Rows parked after too many failed attempts").register(registry);
        delivered = Counter.builder(metrics + ".deliveries").tag("outcome", "delivered").register(registry);
        failed = Counter.builder(metrics + ".deliveries").tag("outcome", "retry").register(registry);
        parkedTotal = Counter.builder(metrics + ".deliveries").tag("outcome", "parked").register(registry);
        refreshCounts();
    }

    protected synchronized void start(MeterRegistry registry) {
        if (loop != null) {
            return;
        }
        deliverers = WorkerPool.fixed(name + "-deliverer", settings().deliveryThreads());
        // Rounds until one finds nothing due, then the counts for the gauges and the health check.
        loop = BackgroundLoop.named(name).poll(settings().pollInterval()).metrics(registry).build(() -> {
            if (deliverDue() > 0) {
                return Next.more();
            }
            refreshCounts();
            return Next.idle();
        });
        loop.start();
        Log.infof("%s started (%s)", name, owner);
    }

    /** Stops the relay after the round in progress; deliveries still running get 5 s, then are interrupted. */
    public synchronized void stop() {
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

    /**
     * Wakes the relay once the caller's transaction has committed (a rollback leaves nothing to
     * send); once per transaction however many rows it enqueued.
     */
    public void wakeAfterCommit(TransactionSynchronizationRegistry transactions) {
        if (transactions.getResource(this) != null) {
            return;
        }
        transactions.putResource(this, Boolean.TRUE);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    wake();
                }
            }
        });
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
    protected int deliverDue() throws InterruptedException {
        List<DeliveryTable.Claimed> claimed = table().claimDue(owner, settings().batchSize(), settings().claimTimeout());
        List<Future<?>> running = new ArrayList<>();
        for (DeliveryTable.Claimed row : claimed) {
            running.add(deliverers.submit(() -> deliver(row)));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (DatabaseOutage.causedBy(e.getCause())) {
                    // Delivered (or not) but its result could not be recorded: the claim expires
                    // and the row is delivered again, which the receiver de-duplicates.
                    Log.warnf("%s could not record a result, the database is unreachable (%s); "
                            + "the row is retried after its claim expires", name, e.getCause().getMessage());
                } else {
                    Log.errorf(e.getCause(), "%s delivery crashed", name);
                }
            }
        }
        return claimed.size();
    }

    protected void refreshCounts() {
        Map<DeliveryStatus, Long> counts = table().counts();
        pending.set(counts.get(DeliveryStatus.PENDING));
        parked.set(counts.get(DeliveryStatus.PARKED));
    }

    private void deliver(DeliveryTable.Claimed row) {
        Outcome outcome;
        try {
            outcome = execute(row);
        } catch (RuntimeException e) {
            int attempts = row.attempts() + 1;
            boolean park = attempts >= settings().maxAttempts() || e instanceof Undeliverable;
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            Duration wait = backoff(attempts);
            if (e instanceof RetryLater later && later.after() != null && later.after().compareTo(wait) > 0) {
                wait = later.after().compareTo(settings().maxBackoff()) > 0 ? settings().maxBackoff() : later.after();
            }
            OffsetDateTime next = table().now().plus(wait);
            if (table().markFailed(row.id(), owner, error, park, next)) {
                if (park) {
                    parkedTotal.increment();
                    Log.errorf("%s: row %d (%s %s) parked after %d attempts: %s", name, row.id(), row.type(),
                            row.dedupKey(), attempts, error);
                } else {
                    failed.increment();
                    Log.debugf("%s: row %d attempt %d failed, next at %s: %s", name, row.id(), attempts, next, error);
                }
            }
            return;
        }
        if (table().markDelivered(row.id(), owner, outcome.resultKey(), outcome.text())) {
            delivered.increment();
        } else {
            Log.warnf("%s: row %d was delivered after its claim expired; another replica may deliver it too", name,
                    row.id());
        }
    }

    /** Exponential backoff with 20% jitter so replicas do not retry in lockstep. */
    public Duration backoff(int attempts) {
        long base = settings().initialBackoff().toMillis() << Math.min(Math.max(0, attempts - 1), 30);
        long capped = Math.min(Math.max(base, 0), settings().maxBackoff().toMillis());
        long jitter = (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(capped - jitter);
    }
}
