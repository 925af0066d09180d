package io.countersign.engine;

import java.time.Duration;

/**
 * Options of a registered job worker.
 *
 * @param timeout how long an activated job stays locked to this worker before re-delivery
 * @param maxJobsActive how many jobs of this type may run at once in this process
 */
public record JobWorkerOptions(Duration timeout, int maxJobsActive) {

    /** Five minutes lock, up to 32 jobs at once. */
    public static JobWorkerOptions defaults() {
        return new JobWorkerOptions(Duration.ofMinutes(5), 32);
    }
}
