package io.countersign.engine;

import io.countersign.common.DomainException;

/** The addressed process, instance, job, user task or incident does not exist (any more). */
public class EngineNotFoundException extends DomainException {

    public EngineNotFoundException(String detail) {
        super(Kind.NOT_FOUND, "engine-not-found", "Not found", detail);
    }
}
