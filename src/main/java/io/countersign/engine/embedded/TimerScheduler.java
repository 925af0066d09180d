package io.countersign.engine.embedded;

import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Fires due timers from the database, so timers survive restarts: on start every timer that
 * fell due while the application was down fires. Each firing deletes its timer row in the
 * same transaction as the step it triggers, so a timer never fires twice. Sleeps until the
 * next due time (woken early when a sooner timer is created), at most one poll interval.
 */
final class TimerScheduler {

    private static final int BATCH = 200;

    private final TxRunner tx;
    private final EngineCore core;
    private final Duration pollInterval;
    private final Semaphore wakeups = new Semaphore(0);
    private volatile boolean running;
    private volatile OffsetDateTime plannedWake = OffsetDateTime.MAX;
    private Thread loop;

    TimerScheduler(TxRunner tx, EngineCore core, Duration pollInterval) {
        this.tx = tx;
        this.core = core;
        this.pollInterval = pollInterval;
    }

    void timerScheduled(OffsetDateTime due) {
        if (due.isBefore(plannedWake)) {
            wakeups.release();
        }
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        loop = new Thread(this::run, "engine-timer-loop");
        loop.setDaemon(true);
        loop.start();
    }

    synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        wakeups.release();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long lastHousekeeping = 0;
        while (running) {
            OffsetDateTime next = null;
            try {
                List<Long> due = tx.inTransaction(false, db -> db.list("SELECT timer_key FROM engine_timer "
                        + "WHERE due_at <= ? ORDER BY due_at, timer_key LIMIT " + BATCH, rs -> rs.getLong(1),
                        EngineCore.now()));
                for (Long key : due) {
                    if (!running) {
                        return;
                    }
                    try {
                        tx.inTransaction(false, db -> core.fireTimer(db, key));
                    } catch (RuntimeException e) {
                        Log.warnf(e, "firing timer %d failed; it stays due and is retried", key);
                    }
                }
                if (due.size() == BATCH) {
                    continue;
                }
                if (System.currentTimeMillis() - lastHousekeeping > 60_000) {
                    lastHousekeeping = System.currentTimeMillis();
                    tx.inTransaction(false, db -> {
                        OffsetDateTime now = EngineCore.now();
                        db.update("DELETE FROM engine_message_correlation WHERE message_key IN "
                                + "(SELECT message_key FROM engine_message WHERE expires_at <= ?)", now);
                        return db.update("DELETE FROM engine_message WHERE expires_at <= ?", now);
                    });
                }
                next = tx.inTransaction(false, db -> db.one("SELECT MIN(due_at) FROM engine_timer",
                        rs -> rs.getObject(1, OffsetDateTime.class)));
            } catch (RuntimeException e) {
                if (running) {
                    Log.warnf(e, "timer loop failed; retrying after %s", pollInterval);
                }
            }
            OffsetDateTime now = EngineCore.now();
            OffsetDateTime wake = now.plus(pollInterval);
            if (next != null && next.isBefore(wake)) {
                wake = next;
            }
            plannedWake = wake;
            long millis = Math.max(0, Duration.between(now, wake).toMillis());
            try {
                if (millis > 0) {
                    wakeups.tryAcquire(millis, TimeUnit.MILLISECONDS);
                }
                wakeups.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            plannedWake = OffsetDateTime.MAX;
        }
    }
}
