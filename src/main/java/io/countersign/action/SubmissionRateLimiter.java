package io.countersign.action;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-agent requests-per-minute limit over a rolling 60-second window of one-second buckets.
 * It is a runaway brake kept in memory: with several replicas each enforces the limit on its
 * own share of the traffic (documented in docs/api.md). Exact limits that must hold across
 * replicas (pending reviews) are checked in the database instead.
 */
@ApplicationScoped
public class SubmissionRateLimiter {

    private static final int WINDOW_SECONDS = 60;

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final LongSupplier clockSeconds;

    public SubmissionRateLimiter() {
        this(() -> System.currentTimeMillis() / 1000);
    }

    SubmissionRateLimiter(LongSupplier clockSeconds) {
        this.clockSeconds = clockSeconds;
    }

    /**
     * Counts one submission for {@code agentId} if it fits into {@code limit} per minute.
     *
     * @return 0 when admitted, otherwise the seconds until a slot frees up (for Retry-After)
     */
    public long tryAcquire(String agentId, int limit) {
        return windows.computeIfAbsent(agentId, k -> new Window()).tryAcquire(clockSeconds.getAsLong(), limit);
    }

    /** Gives back a slot taken by a submission that did not create a request (e.g. a replay race). */
    public void release(String agentId) {
        Window w = windows.get(agentId);
        if (w != null) {
            w.release(clockSeconds.getAsLong());
        }
    }

    private static final class Window {
        private final long[] second = new long[WINDOW_SECONDS];
        private final int[] count = new int[WINDOW_SECONDS];

        synchronized long tryAcquire(long now, int limit) {
            int total = 0;
            for (int i = 0; i < WINDOW_SECONDS; i++) {
                if (now - second[i] < WINDOW_SECONDS) {
                    total += count[i];
                }
            }
            if (total >= limit) {
                // The oldest non-empty bucket inside the window frees up first.
                long oldest = now;
                for (int i = 0; i < WINDOW_SECONDS; i++) {
                    if (count[i] > 0 && now - second[i] < WINDOW_SECONDS) {
                        oldest = Math.min(oldest, second[i]);
                    }
                }
                return Math.max(1, oldest + WINDOW_SECONDS - now);
            }
            int slot = (int) (now % WINDOW_SECONDS);
            if (second[slot] != now) {
                second[slot] = now;
                count[slot] = 0;
            }
            count[slot]++;
            return 0;
        }

        synchronized void release(long now) {
            int slot = (int) (now % WINDOW_SECONDS);
            if (second[slot] == now && count[slot] > 0) {
                count[slot]--;
            }
        }
    }
}
