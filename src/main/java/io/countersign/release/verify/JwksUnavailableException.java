package io.countersign.release.verify;

/** The JWK Set could not be read, fetched or parsed. */
public class JwksUnavailableException extends RuntimeException {

    public JwksUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public JwksUnavailableException(String message) {
        super(message);
    }
}
