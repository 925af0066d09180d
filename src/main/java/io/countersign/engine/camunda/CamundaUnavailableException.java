package io.countersign.engine.camunda;

import io.countersign.common.ProblemException;

/**
 * The Camunda cluster did not answer or refused for a reason that may pass (unavailable,
 * timeout, overloaded): 503. The outbox relay retries such commands with backoff.
 */
public class CamundaUnavailableException extends ProblemException {

    private final transient Throwable clientFailure;

    public CamundaUnavailableException(String detail, Throwable clientFailure) {
        super(503, "engine-unavailable", "Workflow engine unavailable", detail);
        this.clientFailure = clientFailure;
    }

    /** The Camunda client's exception (ProblemException keeps no cause, so it is kept here for logs). */
    public Throwable clientFailure() {
        return clientFailure;
    }
}
