package io.countersign.common;

import java.util.ArrayList;
import java.util.List;

/** Collects every invalid field of one input so the client learns about all of them at once. */
public final class Violations {

    private final List<Problem.FieldError> errors = new ArrayList<>();

    public Violations add(String field, String message) {
        errors.add(new Problem.FieldError(field, message));
        return this;
    }

    /** Adds {@code message} for {@code field} when {@code valid} is false; returns {@code valid}. */
    public boolean check(boolean valid, String field, String message) {
        if (!valid) {
            add(field, message);
        }
        return valid;
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Throws a 400 validation problem listing every collected field, if any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
    }
}
