package io.countersign.release.verify;

/** Why a release token was refused, grouped into the exit codes of {@code verify-release}. */
public enum VerificationFailure {

    /** Not a compact JWS of three base64url parts with JSON header and claims. */
    MALFORMED(3),
    /** The header names no {@code kid}, or the JWKS has no usable P-256 key with that {@code kid}. */
    UNKNOWN_KEY(3),
    /** The ES256 signature does not verify with the key named by {@code kid}. */
    BAD_SIGNATURE(3),
    /** The signature is good but a required claim is missing or has the wrong type. */
    INVALID_CLAIMS(3),
    /** {@code alg} is not ES256 (for example {@code none} or an HMAC algorithm). */
    ALGORITHM(4),
    /** {@code typ} is not {@code countersign-release+jwt}, or the header has {@code crit}. */
    TYPE(4),
    /** {@code iss} is not the expected issuer. */
    ISSUER(5),
    /** {@code aud} does not name the expected executor. */
    AUDIENCE(5),
    /** {@code exp} has passed (beyond the allowed clock skew). */
    EXPIRED(6),
    /** {@code nbf} or {@code iat} lies in the future (beyond the allowed clock skew). */
    NOT_YET_VALID(6),
    /** The SHA-256 of the payload's RFC 8785 canonical JSON differs from {@code payload_sha256}. */
    DIGEST_MISMATCH(7),
    /** The payload is not valid JSON (or not canonicalizable I-JSON). */
    PAYLOAD_UNREADABLE(8),
    /** The JWKS could not be read or fetched. */
    KEYS_UNAVAILABLE(8);

    private final int exitCode;

    VerificationFailure(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The exit code {@code verify-release} uses for this failure. */
    public int exitCode() {
        return exitCode;
    }
}
