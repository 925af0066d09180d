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

    /**
     * True when {@code s} can be recorded in the decision trail as I-JSON: no unpaired UTF-16
     * surrogates and no control characters other than tab and line feed. Free text that reaches
     * an audit event must pass this, or the audit write fails the request with a 500.
     */
    public static boolean wellFormedText(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
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
