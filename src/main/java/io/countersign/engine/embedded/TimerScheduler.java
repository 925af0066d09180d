package io.countersign.engine.embedded;

import io.countersign.common.background.BackgroundLoop;
import io.countersign.common.background.BackgroundLoop.Next;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Fires due timers from the database, so timers survive restarts: on start every timer that
 * fell due while the application was down fires. Each firing deletes its timer row in the
 * same transaction as the step it triggers, so a timer never fires twice. Sleeps until the
 * next due time (woken early when a sooner timer is created), at most one poll interval.
 */
final class TimerScheduler {

    private static final int BATCH = 200;
    private static final Duration HOUSEKEEPING_INTERVAL = Duration.ofMinutes(1);

    private final TxRunner tx;
    private final EngineCore core;
    private final Duration pollInterval;
    private volatile OffsetDateTime plannedWake = OffsetDateTime.MAX;
    private volatile BackgroundLoop loop;
    private long lastHousekeeping;

    TimerScheduler(TxRunner tx, EngineCore core, Duration pollInterval) {
        this.tx = tx;
        this.core = core;
        this.pollInterval = pollInterval;
    }

    void timerScheduled(OffsetDateTime due) {
        BackgroundLoop l = loop;
        if (l != null && due.isBefore(plannedWake)) {
            l.wake();
        }
    }

    synchronized void start() {
        if (loop != null) {
            return;
        }
        lastHousekeeping = 0;
        loop = BackgroundLoop.named("engine-timer-loop").poll(pollInterval).build(this::fireDue);
        loop.start();
    }

    synchronized void stop() {
        if (loop == null) {
            return;
        }
        loop.stop();
        loop = null;
    }

    /** Fires a batch of due timers; then, when none is left, says how long to sleep until the next one. */
    private Next fireDue() {
        plannedWake = OffsetDateTime.MAX;
        List<Long> due = tx.inTransaction(false, db -> core.dueTimers(db, BATCH));
        BackgroundLoop self = loop;
        for (Long key : due) {
            if (self == null || !self.running()) {
                return Next.done();
            }
            try {
                tx.inTransaction(false, db -> core.fireTimer(db, key));
            } catch (RuntimeException e) {
                Log.warnf(e, "firing timer %d failed; it stays due and is retried", key);
            }
        }
        if (due.size() == BATCH) {
            return Next.more();
        }
        if (System.currentTimeMillis() - lastHousekeeping > HOUSEKEEPING_INTERVAL.toMillis()) {
            lastHousekeeping = System.currentTimeMillis();
            tx.inTransaction(false, core::deleteExpiredMessages);
        }
        OffsetDateTime next = tx.inTransaction(false, core::nextTimerDue);
        OffsetDateTime now = EngineCore.now();
        OffsetDateTime wake = now.plus(pollInterval);
        if (next != null && next.isBefore(wake)) {
            wake = next;
        }
        // Set before the loop waits: a timer created meanwhile that falls due sooner wakes it.
        plannedWake = wake;
        return Next.within(Duration.between(now, wake));
    }
}
