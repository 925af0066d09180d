package io.countersign.engine;

/**
 * Handles jobs of one type, for service tasks and task listeners alike. Called outside any
 * engine transaction, at least once per job (a job whose handler died is re-delivered after its
 * timeout), so handlers must be idempotent. A thrown exception fails the job with
 * {@code retries - 1} and the exception message, like the Camunda client's auto-fail.
 */
@FunctionalInterface
public interface JobHandler {

    /** Handles one activated job and says how it ended. */
    JobResult handle(ActivatedJob job) throws Exception;
}
