package io.countersign.common;

import java.util.List;

/**
 * A failure that the domain names by its {@link Kind}, with no knowledge of HTTP: the one
 * problem+json mapper ({@link ProblemMappers}) turns the kind into a status and the code and
 * title into the problem's type and title.
 */
public class DomainException extends RuntimeException {

    /** What went wrong, as a caller can act on it. */
    public enum Kind {
        /** The input is invalid or outside what is supported: retrying it unchanged fails again. */
        REJECTED,
        /** What the command addresses does not exist (any more). */
        NOT_FOUND,
        /** The command does not fit the current state. */
        CONFLICT,
        /** A service the command needs did not answer; retrying later may succeed. */
        UNAVAILABLE
    }

    /** One offending part of the input (e.g. a BPMN element) and why. */
    public record Detail(String subject, String reason) {
    }

    private final Kind kind;
    private final String code;
    private final String title;
    private final List<Detail> details;

    /**
     * @param code short stable name of the failure (kebab-case, e.g. {@code engine-conflict})
     * @param title one-line summary for people
     */
    public DomainException(Kind kind, String code, String title, String message) {
        this(kind, code, title, message, List.of(), null);
    }

    public DomainException(Kind kind, String code, String title, String message, List<Detail> details,
            Throwable cause) {
        // No stack trace: these are expected outcomes (conflicts and retries are routine), not bugs.
        super(message, cause, false, false);
        this.kind = kind;
        this.code = code;
        this.title = title;
        this.details = List.copyOf(details);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<Detail> details() {
        return details;
    }
}
