package io.countersign.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SubmissionRateLimiterTest {

    @Test
    void admitsUpToTheLimitPerRollingMinuteThenTellsWhenToRetry() {
        AtomicLong clock = new AtomicLong(1_000);
        SubmissionRateLimiter limiter = new SubmissionRateLimiter(clock::get);
        assertEquals(0, limiter.tryAcquire("a", 2));
        clock.addAndGet(10);
        assertEquals(0, limiter.tryAcquire("a", 2));
        assertEquals(50, limiter.tryAcquire("a", 2), "first slot frees 60 s after it was taken");
        assertEquals(0, limiter.tryAcquire("b", 2), "limits are per agent");
        clock.addAndGet(50);
        assertEquals(0, limiter.tryAcquire("a", 2));
        assertTrue(limiter.tryAcquire("a", 2) > 0);
    }

    @Test
    void releaseGivesBackASlot() {
        AtomicLong clock = new AtomicLong(5);
        SubmissionRateLimiter limiter = new SubmissionRateLimiter(clock::get);
        assertEquals(0, limiter.tryAcquire("a", 1));
        limiter.release("a");
        assertEquals(0, limiter.tryAcquire("a", 1));
    }
}
