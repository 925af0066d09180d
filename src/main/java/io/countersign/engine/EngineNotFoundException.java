package io.countersign.engine;

import io.countersign.common.ProblemException;

/** The addressed process, instance, job, user task or incident does not exist (any more): 404. */
public class EngineNotFoundException extends ProblemException {

    public EngineNotFoundException(String detail) {
        super(404, "engine-not-found", "Not found", detail);
    }
}
