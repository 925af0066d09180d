package io.countersign.engine;

import io.countersign.common.DomainException;

/** The engine refused a command's arguments as invalid; sending it again unchanged fails again. */
public class EngineRejectedException extends DomainException {

    public EngineRejectedException(String detail) {
        super(Kind.REJECTED, "engine-invalid-argument", "Invalid engine command", detail);
    }
}
