package io.countersign.engine;

import io.countersign.common.ProblemException;

/** The command does not fit the current state (e.g. task not in CREATED, duplicate message id): 409. */
public class EngineConflictException extends ProblemException {

    public EngineConflictException(String detail) {
        super(409, "engine-conflict", "Conflict", detail);
    }
}
