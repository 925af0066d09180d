package io.countersign.engine.camunda;

import io.countersign.common.DomainException;
import java.util.List;

/**
 * The Camunda cluster did not answer or refused for a reason that may pass (unavailable,
 * timeout, overloaded). The outbox relay retries such commands with backoff.
 */
public class CamundaUnavailableException extends DomainException {

    public CamundaUnavailableException(String detail, Throwable clientFailure) {
        super(Kind.UNAVAILABLE, "engine-unavailable", "Workflow engine unavailable", detail, List.of(), clientFailure);
    }

    /** The Camunda client's exception, for logs. */
    public Throwable clientFailure() {
        return getCause();
    }
}
