package io.countersign.common.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.countersign.common.background.BackgroundLoop.Next;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one shape of background work: wake-ups, batches, the poll, backoff while the database is
 * down and recovery when it is back, metrics, and a shutdown that ends a waiting, backing-off or
 * working loop in order and gives back what the loop kept open. Polls and backoffs are an hour
 * where a test must not depend on them, so no assertion rests on timing.
 */
class BackgroundLoopTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration AWAIT = Duration.ofSeconds(10);

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<BackgroundLoop> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopLoops() {
        started.forEach(BackgroundLoop::stop);
    }

    private BackgroundLoop start(BackgroundLoop.Builder builder, BackgroundLoop.Step step) {
        BackgroundLoop loop = builder.metrics(registry).build(step);
        started.add(loop);
        loop.start();
        return loop;
    }

    /** A stand-in for a pooled connection: opened by a step, to be given back. */
    private static final class FakeConnection {
        final AtomicInteger open = new AtomicInteger();

        void acquire() {
            open.incrementAndGet();
        }

        void release() {
            open.decrementAndGet();
        }
    }

    private double failures(String loop, String kind) {
        return registry.get("countersign.background.failures").tag("loop", loop).tag("kind", kind).counter().count();
    }

    private double backoff(String loop) {
        return registry.get("countersign.background.backoff").tag("loop", loop).gauge().value();
    }

    @Test
    void runsAtOnceOnStartAndAgainOnEachWakeUpWithoutWaitingForThePoll() {
        AtomicInteger runs = new AtomicInteger();
        BackgroundLoop loop = start(BackgroundLoop.named("wake-test").poll(HOUR), () -> {
            runs.incrementAndGet();
            return Next.idle();
        });
        await().atMost(AWAIT).until(() -> runs.get() == 1);

        loop.wake();
        await().atMost(AWAIT).until(() -> runs.get() == 2);
        loop.wake();
        await().atMost(AWAIT).until(() -> runs.get() == 3);
        assertThat(registry.get("countersign.background.runs").tag("loop", "wake-test").timer().count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void runsBatchAfterBatchWhileTheStepReportsMoreWork() {
        AtomicInteger backlog = new AtomicInteger(5);
        AtomicInteger runs = new AtomicInteger();
        start(BackgroundLoop.named("batch-test").poll(HOUR), () -> {
            runs.incrementAndGet();
            return Next.moreIf(backlog.decrementAndGet() > 0);
        });

        await().atMost(AWAIT).until(() -> backlog.get() == 0);
        assertThat(runs.get()).isEqualTo(5); // the sixth run would need a wake-up or an hour
    }

    @Test
    void runsAgainAfterThePollOrTheShorterWaitTheStepAsksFor() {
        AtomicInteger polled = new AtomicInteger();
        AtomicInteger timed = new AtomicInteger();
        start(BackgroundLoop.named("poll-test").poll(Duration.ofMillis(20)), () -> {
            polled.incrementAndGet();
            return Next.idle();
        });
        start(BackgroundLoop.named("within-test").poll(HOUR), () -> {
            timed.incrementAndGet();
            return Next.within(Duration.ofMillis(20));
        });

        await().atMost(AWAIT).until(() -> polled.get() >= 3 && timed.get() >= 3);
    }

    @Test
    void whileTheDatabaseIsDownItBacksOffAsAnOutageAndResumesWhenItIsBack() {
        AtomicBoolean databaseUp = new AtomicBoolean(false);
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger();
        FakeConnection connection = new FakeConnection();
        BackgroundLoop loop = start(BackgroundLoop.named("outage-test").poll(HOUR)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(8)), () -> {
                    attempts.incrementAndGet();
                    if (!databaseUp.get()) {
                        throw new SQLTransientConnectionException("Connection refused", "08001");
                    }
                    connection.acquire();
                    try {
                        succeeded.incrementAndGet();
                        return Next.idle();
                    } finally {
                        connection.release();
                    }
                });

        await().atMost(AWAIT).until(() -> failures("outage-test", "outage") >= 5);
        assertThat(succeeded.get()).isZero();
        assertThat(failures("outage-test", "error")).isZero();
        assertThat(backoff("outage-test")).isEqualTo(8); // 1, 2, 4, 8, 8, ... ms: capped

        databaseUp.set(true);
        await().atMost(AWAIT).until(() -> succeeded.get() == 1);
        assertThat(backoff("outage-test")).isZero();
        assertThat(loop.running()).isTrue();

        // Healthy again: it serves wake-ups as before, and no connection is left open.
        loop.wake();
        await().atMost(AWAIT).until(() -> succeeded.get() == 2);
        assertThat(connection.open.get()).isZero();
    }

    @Test
    void aFailureThatIsNotAnOutageIsCountedAsAnErrorAndRetried() {
        AtomicInteger attempts = new AtomicInteger();
        start(BackgroundLoop.named("error-test").poll(HOUR).backoff(Duration.ofMillis(1), Duration.ofMillis(1)), () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new SQLException("syntax error", "42601");
            }
            return Next.idle();
        });

        await().atMost(AWAIT).until(() -> attempts.get() == 3);
        assertThat(failures("error-test", "error")).isEqualTo(2);
        assertThat(failures("error-test", "outage")).isZero();
    }

    @Test
    void anOutageOfAnotherDependencyIsRecognisedByItsOwnTest() {
        AtomicInteger attempts = new AtomicInteger();
        start(BackgroundLoop.named("dependency-test").poll(HOUR).backoff(Duration.ofMillis(1), Duration.ofMillis(1))
                .outage(IllegalStateException.class::isInstance, "the cluster"), () -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw new IllegalStateException("cluster unavailable");
                    }
                    return Next.done();
                });

        await().atMost(AWAIT).until(() -> attempts.get() == 3);
        assertThat(failures("dependency-test", "outage")).isEqualTo(2);
    }

    @Test
    void aStepThatIsDoneEndsTheLoopAndRunsItsExitAction() {
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger exits = new AtomicInteger();
        BackgroundLoop loop = start(BackgroundLoop.named("done-test").poll(HOUR).onExit(exits::incrementAndGet), () -> {
            runs.incrementAndGet();
            return Next.done();
        });

        await().atMost(AWAIT).until(loop::ended);
        assertThat(loop.running()).isFalse();
        loop.wake();
        assertThat(runs.get()).isEqualTo(1);
        assertThat(exits.get()).isEqualTo(1);
    }

    @Test
    void shutdownWhileWaitingEndsTheLoopAtOnceAndGivesBackItsConnection() {
        FakeConnection connection = new FakeConnection();
        AtomicInteger runs = new AtomicInteger();
        // A loop that keeps its connection between steps (like the LISTEN connection) and closes it on exit.
        BackgroundLoop loop = start(BackgroundLoop.named("shutdown-wait-test").poll(HOUR).onExit(connection::release),
                () -> {
                    if (runs.incrementAndGet() == 1) {
                        connection.acquire();
                    }
                    return Next.idle();
                });
        await().atMost(AWAIT).until(() -> runs.get() == 1);

        loop.stop();

        assertThat(loop.ended()).isTrue();
        assertThat(connection.open.get()).isZero();
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void shutdownWhileBackingOffEndsTheLoopWithoutAnotherAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger exits = new AtomicInteger();
        BackgroundLoop loop = start(BackgroundLoop.named("shutdown-backoff-test").poll(HOUR).backoff(HOUR, HOUR)
                .onExit(exits::incrementAndGet), () -> {
                    attempts.incrementAndGet();
                    throw new SQLTransientConnectionException("Connection refused", "08001");
                });
        await().atMost(AWAIT).until(() -> backoff("shutdown-backoff-test") > 0);

        loop.stop();

        assertThat(loop.ended()).isTrue();
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(exits.get()).isEqualTo(1);
        assertThat(registry.find("countersign.background.backoff").tag("loop", "shutdown-backoff-test").gauge())
                .as("an ended loop reports no backoff").isNull();
    }

    @Test
    void shutdownDuringAStepLetsTheStepFinishAndCloseWhatItOpened() throws Exception {
        FakeConnection connection = new FakeConnection();
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        BackgroundLoop loop = start(BackgroundLoop.named("shutdown-step-test").poll(HOUR).stopTimeout(HOUR), () -> {
            runs.incrementAndGet();
            connection.acquire();
            try {
                inStep.countDown();
                finish.await();
                return Next.more();
            } finally {
                connection.release();
            }
        });
        assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();

        Thread stopper = new Thread(loop::stop);
        stopper.start();
        await().atMost(AWAIT).until(() -> !loop.running());
        assertThat(stopper.isAlive()).isTrue(); // stop waits for the step
        finish.countDown();
        stopper.join(10_000);

        assertThat(stopper.isAlive()).isFalse();
        assertThat(loop.ended()).isTrue();
        assertThat(connection.open.get()).isZero();
        assertThat(runs.get()).isEqualTo(1); // "more" is not honoured once stopping
    }
}
