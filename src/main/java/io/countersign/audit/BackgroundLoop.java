package io.countersign.audit;

import io.countersign.common.ProblemMappers;
import io.quarkus.logging.Log;
import java.time.Duration;

/**
 * The one shape of the audit trail's background work: run a step on its own daemon thread,
 * then wait for a wake-up or the poll interval (no pause while the step reports more work),
 * back off from 100 ms doubling to 5 s while steps fail — logging a warning, not an error,
 * when the database is merely unreachable — and stop in order on shutdown.
 */
public final class BackgroundLoop {

    /** One unit of work. */
    @FunctionalInterface
    public interface Step {
        /** Does one batch; returns true when more work is already waiting. */
        boolean run() throws Exception;
    }

    private final String name;
    private final Duration poll;
    private final Step step;
    private final Object wakeSignal = new Object();
    private boolean wakeRequested;
    private volatile boolean running;
    private Thread thread;

    /** A loop named {@code name} (thread name and log messages) that runs {@code step} at least every {@code poll}. */
    public BackgroundLoop(String name, Duration poll, Step step) {
        this.name = name;
        this.poll = poll;
        this.step = step;
    }

    /** Starts the thread. */
    public void start() {
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** True until {@link #stop()}. */
    public boolean running() {
        return running;
    }

    /** Asks for a run now. */
    public void wake() {
        synchronized (wakeSignal) {
            wakeRequested = true;
            wakeSignal.notifyAll();
        }
    }

    /** Stops the thread, waiting up to 5 s for the current step. */
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        long backoff = 100;
        while (running) {
            try {
                boolean more = step.run();
                backoff = 100;
                if (more) {
                    continue;
                }
                synchronized (wakeSignal) {
                    if (!wakeRequested) {
                        wakeSignal.wait(poll.toMillis());
                    }
                    wakeRequested = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                if (ProblemMappers.databaseUnavailable(e)) {
                    // An outage: nothing is lost and the loop resumes by itself, so this is not an error of the application.
                    Log.warnf("%s cannot reach the database (%s); retrying in %d ms", name, e.getMessage(), backoff);
                } else {
                    Log.errorf(e, "%s failed; retrying in %d ms", name, backoff);
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }
}
