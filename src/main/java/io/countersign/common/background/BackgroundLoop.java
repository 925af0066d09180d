package io.countersign.common.background;

import io.countersign.common.DatabaseOutage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The one shape of Countersign's background work: a step runs on the loop's own daemon thread,
 * then the loop waits for a {@link #wake()} or its poll interval (not at all while the step
 * reports more work, shorter when the step names an earlier time); while steps fail it backs off
 * (doubling from the first to the longest backoff), logging an outage of what it depends on —
 * the database unless told otherwise — as a warning and any other failure as an error; on
 * {@link #stop()} it lets the running step finish, runs its exit action on the loop thread (which
 * gives back a connection the loop keeps between steps) and ends.
 *
 * <p>Metrics, tagged {@code loop=<name>}: {@code countersign.background.runs} (timer of
 * successful steps), {@code countersign.background.failures{kind=outage|error}} and
 * {@code countersign.background.backoff} (milliseconds until the next attempt, 0 while steps
 * succeed; present while the loop runs).
 *
 * <p>Plain threads rather than Quarkus's scheduler: each loop must wake within milliseconds of a
 * commit (the scheduler knows only periods), and Java 17 has no virtual threads.
 */
public final class BackgroundLoop {

    /** One unit of work. */
    @FunctionalInterface
    public interface Step {
        /** Does one batch and says when to run the next. */
        Next run() throws Exception;
    }

    /** What the loop does after a step. */
    public static final class Next {
        private static final Next MORE = new Next(Duration.ZERO);
        private static final Next IDLE = new Next(null);
        private static final Next DONE = new Next(Duration.ofMillis(-1));

        private final Duration wait;

        private Next(Duration wait) {
            this.wait = wait;
        }

        /** More work is already waiting: run again at once. */
        public static Next more() {
            return MORE;
        }

        /** Nothing left: wait for a wake-up or the poll interval. */
        public static Next idle() {
            return IDLE;
        }

        /** {@link #more()} when {@code more}, else {@link #idle()}. */
        public static Next moreIf(boolean more) {
            return more ? MORE : IDLE;
        }

        /** Wait for a wake-up, at most {@code wait} (and never longer than the poll interval). */
        public static Next within(Duration wait) {
            return wait.isNegative() || wait.isZero() ? MORE : new Next(wait);
        }

        /** The work is finished for good: the loop ends (as if stopped). */
        public static Next done() {
            return DONE;
        }
    }

    private final String name;
    private final Duration poll;
    private final long firstBackoffMillis;
    private final long maxBackoffMillis;
    private final Predicate<Throwable> outage;
    private final String dependency;
    private final Duration stopTimeout;
    private final Runnable onExit;
    private final Step step;
    private final Timer runs;
    private final Counter outages;
    private final Counter errors;
    private final AtomicLong backoffGauge = new AtomicLong();
    private final MeterRegistry registry;
    private Gauge backoffMeter;

    private final Object signal = new Object();
    private boolean wakeRequested;
    private volatile boolean running;
    private Thread thread;

    private BackgroundLoop(Builder b, Step step) {
        this.name = b.name;
        this.poll = b.poll;
        this.firstBackoffMillis = Math.max(1, b.firstBackoff.toMillis());
        this.maxBackoffMillis = Math.max(firstBackoffMillis, b.maxBackoff.toMillis());
        this.outage = b.outage;
        this.dependency = b.dependency;
        this.stopTimeout = b.stopTimeout;
        this.onExit = b.onExit;
        this.step = step;
        runs = Timer.builder("countersign.background.runs").tag("loop", name)
                .description("Successful steps of a background loop").register(b.registry);
        outages = Counter.builder("countersign.background.failures").tag("loop", name).tag("kind", "outage")
                .description("Failed steps of a background loop").register(b.registry);
        errors = Counter.builder("countersign.background.failures").tag("loop", name).tag("kind", "error")
                .description("Failed steps of a background loop").register(b.registry);
        registry = b.registry;
    }

    /** Starts describing a loop named {@code name} (its thread, log lines and metric tag). */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** Settings of a loop; the defaults suit a loop over the database. */
    public static final class Builder {
        private final String name;
        private Duration poll = Duration.ofSeconds(1);
        private Duration firstBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Predicate<Throwable> outage = DatabaseOutage::causedBy;
        private String dependency = "the database";
        private Duration stopTimeout = Duration.ofSeconds(5);
        private Runnable onExit = () -> { };
        private MeterRegistry registry = Metrics.globalRegistry;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Longest wait between two steps when nothing wakes the loop (default 1 s). */
        public Builder poll(Duration poll) {
            this.poll = poll;
            return this;
        }

        /** Backoff after the first failed step, doubling per failure up to {@code max} (default 100 ms to 5 s). */
        public Builder backoff(Duration first, Duration max) {
            this.firstBackoff = first;
            this.maxBackoff = max;
            return this;
        }

        /**
         * Which failures mean that {@code dependency} is unreachable (expected, retried, a warning);
         * default: a database outage ({@link DatabaseOutage#causedBy}).
         */
        public Builder outage(Predicate<Throwable> isOutage, String dependency) {
            this.outage = isOutage;
            this.dependency = dependency;
            return this;
        }

        /** Longest wait of {@link #stop()} for the running step before it interrupts the thread (default 5 s). */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        /** Runs on the loop thread after the last step, however the loop ends (closes what the steps kept open). */
        public Builder onExit(Runnable onExit) {
            this.onExit = onExit;
            return this;
        }

        /** Where the loop's metrics go (default: Micrometer's global registry). */
        public Builder metrics(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** The loop that runs {@code step}; call {@link BackgroundLoop#start()}. */
        public BackgroundLoop build(Step step) {
            return new BackgroundLoop(this, Objects.requireNonNull(step, "step"));
        }
    }

    /** Starts the thread; the first step runs at once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(name + " was already started");
        }
        running = true;
        // Registered per run and removed when the loop ends: a loop started again (same name) gets a gauge of its own.
        backoffMeter = Gauge.builder("countersign.background.backoff", backoffGauge, AtomicLong::get).tag("loop", name)
                .description("Milliseconds a failing background loop waits before its next attempt (0: healthy)")
                .baseUnit("milliseconds").register(registry);
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** True from {@link #start()} until {@link #stop()} or a step that returned {@link Next#done()}; long steps check it. */
    public boolean running() {
        return running;
    }

    /** True once the thread has ended (after its exit action). */
    public synchronized boolean ended() {
        return thread != null && !thread.isAlive();
    }

    /** Asks for a step now (at once if the loop is waiting, right after the running step otherwise). */
    public void wake() {
        synchronized (signal) {
            wakeRequested = true;
            signal.notifyAll();
        }
    }

    /**
     * Stops the loop: a waiting loop ends at once, a running step is given the stop timeout to
     * finish (and should check {@link #running()} if it can take longer); only then is the thread
     * interrupted. Returns after the exit action ran, or after a further second.
     */
    public void stop() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        running = false;
        synchronized (signal) {
            signal.notifyAll();
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(stopTimeout.toMillis());
            if (t.isAlive()) {
                Log.warnf("%s did not finish its step within %d ms of shutdown; interrupting it", name,
                        stopTimeout.toMillis());
                t.interrupt();
                t.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            long backoff = 0;
            while (running) {
                Next next;
                long started = System.nanoTime();
                try {
                    next = step.run();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (!running) {
                        return;
                    }
                    backoff = backoff == 0 ? firstBackoffMillis : Math.min(backoff * 2, maxBackoffMillis);
                    failed(e, backoff);
                    if (!pause(backoff, false)) {
                        return;
                    }
                    continue;
                }
                runs.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                backoff = 0;
                backoffGauge.set(0);
                if (next == Next.DONE) {
                    running = false;
                    return;
                }
                if (next == Next.MORE) {
                    continue;
                }
                Duration wait = next.wait == null || next.wait.compareTo(poll) > 0 ? poll : next.wait;
                if (!pause(wait.toMillis(), true)) {
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            // Only a bug in the loop itself gets here (steps' failures are handled above).
            Log.errorf(e, "%s ended unexpectedly", name);
            running = false;
            throw e;
        } finally {
            exit();
        }
    }

    private void failed(Exception e, long backoff) {
        backoffGauge.set(backoff);
        if (outage.test(e)) {
            // An outage: nothing is lost and the loop resumes by itself, so this is not an error of the application.
            outages.increment();
            Log.warnf("%s cannot reach %s (%s); retrying in %d ms", name, dependency, e.getMessage(), backoff);
        } else {
            errors.increment();
            Log.errorf(e, "%s failed; retrying in %d ms", name, backoff);
        }
    }

    /**
     * Waits {@code millis} or until stopped (and, when {@code wakeable}, until woken); false when
     * the loop is stopping. A wake-up requested during a backoff is kept for after it.
     */
    private boolean pause(long millis, boolean wakeable) {
        long deadline = System.nanoTime() + Math.max(0, millis) * 1_000_000;
        synchronized (signal) {
            try {
                while (running && !(wakeable && wakeRequested)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    signal.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                return false;
            }
            if (wakeable) {
                wakeRequested = false;
            }
        }
        return running;
    }

    private void exit() {
        try {
            onExit.run();
        } catch (RuntimeException e) {
            Log.warnf("%s could not clean up on exit: %s", name, e.getMessage());
        } finally {
            synchronized (this) {
                registry.remove(backoffMeter);
            }
        }
    }
}
