package io.countersign.engine;

import io.countersign.common.DomainException;

/** The command does not fit the current state (e.g. task not in CREATED, duplicate message id). */
public class EngineConflictException extends DomainException {

    public EngineConflictException(String detail) {
        super(Kind.CONFLICT, "engine-conflict", "Conflict", detail);
    }
}
