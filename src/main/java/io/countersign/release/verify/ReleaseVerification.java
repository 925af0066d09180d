package io.countersign.release.verify;

/**
 * Outcome of verifying a release token: either the verified claims, or the failure and a
 * message that says what was wrong (never both).
 */
public record ReleaseVerification(ReleaseClaims claims, VerificationFailure failure, String message) {

    /** A successful verification carrying the verified claims. */
    public static ReleaseVerification ok(ReleaseClaims claims) {
        return new ReleaseVerification(claims, null, "release token verified");
    }

    /** A refused token. */
    public static ReleaseVerification failed(VerificationFailure failure, String message) {
        return new ReleaseVerification(null, failure, message);
    }

    /** True when every check passed and {@link #claims()} can be trusted. */
    public boolean ok() {
        return failure == null;
    }

    /** 0 when verified, otherwise the failure's exit code. */
    public int exitCode() {
        return failure == null ? 0 : failure.exitCode();
    }
}
