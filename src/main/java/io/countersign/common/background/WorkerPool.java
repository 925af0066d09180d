package io.countersign.common.background;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker pools beside a {@link BackgroundLoop} (outbox deliverers, job handlers): fixed, daemon, drained on stop. */
public final class WorkerPool {

    private WorkerPool() {
    }

    /** A fixed pool of {@code threads} daemon threads named {@code <name>-1}, {@code <name>-2}, … */
    public static ExecutorService fixed(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        int size = Math.max(1, threads);
        return new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes no more work and lets what runs finish within {@code grace}; then interrupts what is left. */
    public static void drain(ExecutorService pool, Duration grace) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
