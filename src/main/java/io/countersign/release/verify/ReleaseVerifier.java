package io.countersign.release.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.countersign.common.json.Jcs;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Verifies a Countersign release token the way an executor must before it acts: ES256
 * signature with the key named by {@code kid}, {@code typ}, issuer (when configured),
 * audience, expiry, and the SHA-256 of the RFC 8785 canonical form of the payload it is
 * about to run. Depends only on the JDK, Jackson and {@link Jcs}, so executors can copy it.
 * Instances are immutable and thread-safe.
 */
public final class ReleaseVerifier {

    /** The {@code typ} header of every release token. */
    public static final String TYP = "countersign-release+jwt";
    /** The only accepted signature algorithm. */
    public static final String ALG = "ES256";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern B64URL = Pattern.compile("[A-Za-z0-9_-]*");
    private static final BigInteger P256_ORDER = Jwks.P256.getOrder();
    private static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /** Strict parsing: duplicate keys would make the signed meaning ambiguous. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private final JwksSource keys;
    private final Clock clock;
    private final Duration clockSkew;
    private final String expectedIssuer;

    /** A verifier with the system clock, 30 seconds of allowed clock skew and any issuer. */
    public ReleaseVerifier(JwksSource keys) {
        this(keys, Clock.systemUTC(), Duration.ofSeconds(30), null);
    }

    private ReleaseVerifier(JwksSource keys, Clock clock, Duration clockSkew, String expectedIssuer) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.expectedIssuer = expectedIssuer;
    }

    /** One-shot convenience: verify with default settings. */
    public static ReleaseVerification verify(String token, byte[] payloadJson, String expectedAudience, JwksSource jwks) {
        return new ReleaseVerifier(jwks).verify(token, payloadJson, expectedAudience);
    }

    /** One-shot convenience: verify with default settings. */
    public static ReleaseVerification verify(String token, JsonNode payload, String expectedAudience, JwksSource jwks) {
        return new ReleaseVerifier(jwks).verify(token, payload, expectedAudience);
    }

    /** The same verifier reading time from {@code clock}. */
    public ReleaseVerifier withClock(Clock clock) {
        return new ReleaseVerifier(keys, clock, clockSkew, expectedIssuer);
    }

    /** The same verifier tolerating this much clock difference on exp, nbf and iat. */
    public ReleaseVerifier withClockSkew(Duration skew) {
        if (skew.isNegative()) {
            throw new IllegalArgumentException("clock skew must not be negative");
        }
        return new ReleaseVerifier(keys, clock, skew, expectedIssuer);
    }

    /** The same verifier also requiring {@code iss} to equal {@code issuer}. */
    public ReleaseVerifier withIssuer(String issuer) {
        return new ReleaseVerifier(keys, clock, clockSkew, issuer);
    }

    /** Full check against the payload given as JSON bytes (UTF-8), exactly as the executor will run it. */
    public ReleaseVerification verify(String token, byte[] payloadJson, String expectedAudience) {
        Objects.requireNonNull(payloadJson, "payloadJson");
        JsonNode payload;
        try {
            payload = JSON.readTree(payloadJson);
        } catch (IOException e) {
            return ReleaseVerification.failed(VerificationFailure.PAYLOAD_UNREADABLE,
                    "payload is not valid JSON: " + jsonError(e));
        }
        if (payload == null || payload.isMissingNode()) {
            return ReleaseVerification.failed(VerificationFailure.PAYLOAD_UNREADABLE, "payload is empty");
        }
        return verify(token, payload, expectedAudience);
    }

    /** Full check against the payload as a parsed JSON tree. */
    public ReleaseVerification verify(String token, JsonNode payload, String expectedAudience) {
        Objects.requireNonNull(payload, "payload");
        if (expectedAudience == null || expectedAudience.isBlank()) {
            throw new IllegalArgumentException("expectedAudience is required: an executor must name itself");
        }
        ReleaseVerification authentic = verifyAuthenticity(token);
        if (!authentic.ok()) {
            return authentic;
        }
        ReleaseClaims claims = authentic.claims();
        if (expectedIssuer != null && !expectedIssuer.equals(claims.issuer())) {
            return ReleaseVerification.failed(VerificationFailure.ISSUER,
                    "issuer is \"" + claims.issuer() + "\", expected \"" + expectedIssuer + "\"");
        }
        if (!claims.audience().contains(expectedAudience)) {
            return ReleaseVerification.failed(VerificationFailure.AUDIENCE,
                    "token is for audience " + claims.audience() + ", not \"" + expectedAudience + "\"");
        }
        Instant now = clock.instant();
        if (!now.isBefore(claims.expiresAt().plus(clockSkew))) {
            return ReleaseVerification.failed(VerificationFailure.EXPIRED,
                    "token expired at " + claims.expiresAt() + " (now " + now + ")");
        }
        if (claims.notBefore() != null && now.plus(clockSkew).isBefore(claims.notBefore())) {
            return ReleaseVerification.failed(VerificationFailure.NOT_YET_VALID,
                    "token is not valid before " + claims.notBefore() + " (now " + now + ")");
        }
        if (now.plus(clockSkew).isBefore(claims.issuedAt())) {
            return ReleaseVerification.failed(VerificationFailure.NOT_YET_VALID,
                    "token was issued in the future at " + claims.issuedAt() + " (now " + now + "); check the clocks");
        }
        String digest;
        try {
            digest = Jcs.sha256Hex(payload);
        } catch (IllegalArgumentException e) {
            return ReleaseVerification.failed(VerificationFailure.PAYLOAD_UNREADABLE,
                    "payload cannot be canonicalized (RFC 8785): " + e.getMessage());
        }
        if (!MessageDigest.isEqual(digest.getBytes(StandardCharsets.US_ASCII),
                claims.payloadSha256().getBytes(StandardCharsets.US_ASCII))) {
            return ReleaseVerification.failed(VerificationFailure.DIGEST_MISMATCH,
                    "payload differs from the approved one: its RFC 8785 SHA-256 is " + digest
                            + ", the release approved " + claims.payloadSha256());
        }
        return authentic;
    }

    /**
     * Checks only what makes the token authentic: structure, {@code alg}, {@code typ},
     * {@code kid}, signature and the presence and types of the release claims. It does NOT
     * check issuer, audience, time or payload; executors use {@code verify}.
     */
    public ReleaseVerification verifyAuthenticity(String token) {
        if (token == null || token.isBlank()) {
            return ReleaseVerification.failed(VerificationFailure.MALFORMED, "no token given");
        }
        token = token.strip();
        if (token.length() > MAX_TOKEN_LENGTH) {
            return ReleaseVerification.failed(VerificationFailure.MALFORMED, "token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return ReleaseVerification.failed(VerificationFailure.MALFORMED,
                    "a compact JWS has 3 dot-separated parts, this token has " + parts.length);
        }
        for (String part : parts) {
            if (!B64URL.matcher(part).matches()) {
                return ReleaseVerification.failed(VerificationFailure.MALFORMED, "token parts must be unpadded base64url");
            }
        }
        JsonNode header;
        try {
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        } catch (IOException | IllegalArgumentException e) {
            return ReleaseVerification.failed(VerificationFailure.MALFORMED, "token header is not base64url JSON");
        }
        if (header == null || !header.isObject()) {
            return ReleaseVerification.failed(VerificationFailure.MALFORMED, "token header is not a JSON object");
        }
        String alg = text(header, "alg");
        if (!ALG.equals(alg)) {
            return ReleaseVerification.failed(VerificationFailure.ALGORITHM,
                    "alg is " + (alg == null ? "missing" : "\"" + alg + "\"") + ", only " + ALG + " is accepted");
        }
        String typ = text(header, "typ");
        if (!isReleaseTyp(typ)) {
            return ReleaseVerification.failed(VerificationFailure.TYPE,
                    "typ is " + (typ == null ? "missing" : "\"" + typ + "\"") + ", expected \"" + TYP + "\"");
        }
        if (header.has("crit")) {
            return ReleaseVerification.failed(VerificationFailure.TYPE, "header lists critical extensions this verifier does not understand");
        }
        String kid = text(header, "kid");
        if (kid == null) {
            return ReleaseVerification.failed(VerificationFailure.UNKNOWN_KEY, "header has no kid");
        }
        Optional<PublicKey> key;
        try {
            // Keys come only from the configured JWKS, never from jku/jwk/x5u headers of the token.
            key = keys.find(kid);
        } catch (JwksUnavailableException e) {
            return ReleaseVerification.failed(VerificationFailure.KEYS_UNAVAILABLE, e.getMessage());
        }
        if (key.isEmpty() || !(key.get() instanceof ECPublicKey)) {
            return ReleaseVerification.failed(VerificationFailure.UNKNOWN_KEY, "no ES256 key with kid \"" + kid + "\" in the JWKS");
        }
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return ReleaseVerification.failed(VerificationFailure.MALFORMED, "signature is not base64url");
        }
        if (!signatureVerifies((ECPublicKey) key.get(), parts[0] + "." + parts[1], signature)) {
            return ReleaseVerification.failed(VerificationFailure.BAD_SIGNATURE, "signature does not verify with key \"" + kid + "\"");
        }
        JsonNode claims;
        try {
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            return ReleaseVerification.failed(VerificationFailure.MALFORMED, "token claims are not base64url JSON");
        }
        if (claims == null || !claims.isObject()) {
            return ReleaseVerification.failed(VerificationFailure.MALFORMED, "token claims are not a JSON object");
        }
        try {
            return ReleaseVerification.ok(toClaims(kid, claims));
        } catch (IllegalArgumentException e) {
            return ReleaseVerification.failed(VerificationFailure.INVALID_CLAIMS, e.getMessage());
        }
    }

    /** RFC 7515 4.1.9: typ is a case-insensitive media type whose "application/" prefix may be left out. */
    private static boolean isReleaseTyp(String typ) {
        if (typ == null) {
            return false;
        }
        String t = typ.toLowerCase(Locale.ROOT);
        return t.equals(TYP) || t.equals("application/" + TYP);
    }

    private static boolean signatureVerifies(ECPublicKey key, String signingInput, byte[] signature) {
        if (signature.length != 64) {
            return false;
        }
        // Refuse r or s outside [1, n-1] ourselves (CVE-2022-21449 accepted r = s = 0 on some JDKs).
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if (r.signum() == 0 || s.signum() == 0 || r.compareTo(P256_ORDER) >= 0 || s.compareTo(P256_ORDER) >= 0) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(key);
            verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static ReleaseClaims toClaims(String kid, JsonNode c) {
        String payloadSha256 = required(c, "payload_sha256");
        if (!SHA256_HEX.matcher(payloadSha256).matches()) {
            throw new IllegalArgumentException("payload_sha256 must be 64 lower-case hex digits");
        }
        UUID requestId;
        try {
            requestId = UUID.fromString(required(c, "request_id"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("request_id must be a UUID");
        }
        JsonNode auditSeq = c.get("audit_seq");
        if (auditSeq != null && !auditSeq.isNull() && !auditSeq.canConvertToExactIntegral()) {
            throw new IllegalArgumentException("audit_seq must be an integer");
        }
        return new ReleaseClaims(kid, required(c, "iss"), required(c, "sub"), audience(c), numericDate(c, "iat", true),
                numericDate(c, "exp", true), numericDate(c, "nbf", false), required(c, "jti"), requestId,
                required(c, "action_type"), required(c, "target"), required(c, "environment"), payloadSha256,
                strings(c, "approvers"), required(c, "policy_version"), required(c, "policy_rule"),
                auditSeq == null || auditSeq.isNull() ? null : auditSeq.longValue(), c);
    }

    private static List<String> audience(JsonNode c) {
        JsonNode aud = c.get("aud");
        if (aud != null && aud.isTextual()) {
            return List.of(aud.textValue());
        }
        if (aud != null && aud.isArray() && aud.size() > 0) {
            return strings(c, "aud");
        }
        throw new IllegalArgumentException("claim \"aud\" is missing");
    }

    private static List<String> strings(JsonNode c, String name) {
        JsonNode array = c.get(name);
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("claim \"" + name + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>(array.size());
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                throw new IllegalArgumentException("claim \"" + name + "\" must be an array of strings");
            }
            out.add(n.textValue());
        }
        return out;
    }

    private static Instant numericDate(JsonNode c, String name, boolean required) {
        JsonNode n = c.get(name);
        if (n == null) {
            if (required) {
                throw new IllegalArgumentException("claim \"" + name + "\" is missing");
            }
            return null;
        }
        if (!n.isNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException("claim \"" + name + "\" must be a NumericDate (seconds)");
        }
        return Instant.ofEpochSecond(n.longValue());
    }

    private static String required(JsonNode c, String name) {
        String v = text(c, name);
        if (v == null) {
            throw new IllegalArgumentException("claim \"" + name + "\" is missing or not a string");
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static String jsonError(IOException e) {
        if (e instanceof JsonProcessingException j) {
            return j.getOriginalMessage();
        }
        return e.getMessage();
    }
}
