package io.countersign.common.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Worker pools beside the loops: named daemon threads, and a drain that lets work finish, then interrupts. */
class WorkerPoolTest {

    @Test
    void runsOnNamedDaemonThreads() throws Exception {
        ExecutorService pool = WorkerPool.fixed("test-worker", 2);
        try {
            Future<Thread> t = pool.submit(Thread::currentThread);
            assertThat(t.get(10, TimeUnit.SECONDS).getName()).startsWith("test-worker-");
            assertThat(t.get().isDaemon()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void drainLetsRunningWorkFinishAndTakesNoMore() throws Exception {
        ExecutorService pool = WorkerPool.fixed("drain-worker", 1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        pool.execute(() -> {
            started.countDown();
            try {
                Thread.sleep(50);
                finished.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        WorkerPool.drain(pool, Duration.ofSeconds(30));

        assertThat(pool.isTerminated()).isTrue();
        assertThat(finished.get()).isTrue();
    }

    @Test
    void drainInterruptsWorkThatOutlastsTheGrace() throws Exception {
        ExecutorService pool = WorkerPool.fixed("stuck-worker", 1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        pool.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        WorkerPool.drain(pool, Duration.ofMillis(10));

        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted.get()).isTrue();
    }
}
