package io.countersign.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.common.json.Jcs;
import io.countersign.common.json.JsonSupport;
import io.countersign.release.ReleaseKeyMaterial.LoadedKey;
import io.countersign.release.verify.JwksSource;
import io.countersign.release.verify.ReleaseVerification;
import io.countersign.release.verify.ReleaseVerifier;
import io.countersign.release.verify.VerificationFailure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseVerifierTest {

    private static final String APPROVED = """
            {"migration": "V42__add_index.sql", "statements": ["CREATE INDEX i ON orders(customer_id)"],
             "timeout_s": 30, "lock_budget": 1.5, "dry_run": false, "owner": {"team": "dba", "ticket": "OPS-1"}}""";

    private static final LoadedKey KEY = ReleaseKeyMaterial.generate();
    private static final LoadedKey OTHER_KEY = ReleaseKeyMaterial.generate();
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final ReleaseVerifier VERIFIER = new ReleaseVerifier(JwksSource.ofJson(TestReleases.jwksJson(KEY)))
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC));

    private static String digest(String json) throws Exception {
        return Jcs.sha256Hex(JsonSupport.MAPPER.readTree(json));
    }

    private static Map<String, Object> goodClaims() throws Exception {
        return TestReleases.claims("db-migrator", digest(APPROVED), NOW.minusSeconds(60), NOW.plusSeconds(540));
    }

    private static String goodToken() throws Exception {
        return TestReleases.sign(KEY, TestReleases.header(KEY.kid()), goodClaims());
    }

    private static ReleaseVerification verify(String token, String payload) {
        return VERIFIER.verify(token, payload.getBytes(StandardCharsets.UTF_8), "db-migrator");
    }

    @Test
    void acceptsGenuineTokenForTheApprovedPayloadAndReturnsItsClaims() throws Exception {
        ReleaseVerification result = verify(goodToken(), APPROVED);
        assertTrue(result.ok(), result.message());
        assertEquals(0, result.exitCode());
        assertEquals("agent-7", result.claims().agentId());
        assertEquals("orders-db", result.claims().target());
        assertEquals(42L, result.claims().auditSeq());
        assertEquals(KEY.kid(), result.claims().keyId());
        assertEquals(java.util.List.of("dba-dora", "dba-dan"), result.claims().approvers());
    }

    @ParameterizedTest(name = "RFC 8785 equivalent payload still matches: {0}")
    @ValueSource(strings = {
        // keys reordered at both levels
        "{\"owner\":{\"ticket\":\"OPS-1\",\"team\":\"dba\"},\"dry_run\":false,\"lock_budget\":1.5,\"timeout_s\":30,"
                + "\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],\"migration\":\"V42__add_index.sql\"}",
        // whitespace everywhere
        "  {\n\t\"migration\" :  \"V42__add_index.sql\" ,\r\n \"statements\" : [ \"CREATE INDEX i ON orders(customer_id)\" ] ,"
                + " \"timeout_s\" : 30 , \"lock_budget\" : 1.5 , \"dry_run\" : false , \"owner\" : { \"team\" : \"dba\" , \"ticket\" : \"OPS-1\" } }\n",
        // number formatting: 30.0, 3e1 and 1.50 are the same IEEE-754 values as 30 and 1.5
        "{\"migration\":\"V42__add_index.sql\",\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],"
                + "\"timeout_s\":30.0,\"lock_budget\":1.50,\"dry_run\":false,\"owner\":{\"team\":\"dba\",\"ticket\":\"OPS-1\"}}",
        "{\"migration\":\"V42__add_index.sql\",\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],"
                + "\"timeout_s\":3e1,\"lock_budget\":15E-1,\"dry_run\":false,\"owner\":{\"team\":\"dba\",\"ticket\":\"OPS-1\"}}",
        // string escapes that decode to the same characters
        "{\"migration\":\"V42__add_\\u0069ndex.sql\",\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],"
                + "\"timeout_s\":30,\"lock_budget\":1.5,\"dry_run\":false,\"owner\":{\"team\":\"\\u0064ba\",\"ticket\":\"OPS\\u002d1\"}}"
    })
    void equivalentPayloadMatchesTheApprovedDigest(String payload) throws Exception {
        ReleaseVerification result = verify(goodToken(), payload);
        assertTrue(result.ok(), result.message());
    }

    @ParameterizedTest(name = "changed payload is refused: {0}")
    @ValueSource(strings = {
        // one value changed
        "{\"migration\":\"V42__add_index.sql\",\"statements\":[\"DROP TABLE orders\"],"
                + "\"timeout_s\":30,\"lock_budget\":1.5,\"dry_run\":false,\"owner\":{\"team\":\"dba\",\"ticket\":\"OPS-1\"}}",
        // number changed by a tiny amount
        "{\"migration\":\"V42__add_index.sql\",\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],"
                + "\"timeout_s\":30,\"lock_budget\":1.5000001,\"dry_run\":false,\"owner\":{\"team\":\"dba\",\"ticket\":\"OPS-1\"}}",
        // type changed: string "30" is not the number 30
        "{\"migration\":\"V42__add_index.sql\",\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],"
                + "\"timeout_s\":\"30\",\"lock_budget\":1.5,\"dry_run\":false,\"owner\":{\"team\":\"dba\",\"ticket\":\"OPS-1\"}}",
        // boolean flipped
        "{\"migration\":\"V42__add_index.sql\",\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],"
                + "\"timeout_s\":30,\"lock_budget\":1.5,\"dry_run\":true,\"owner\":{\"team\":\"dba\",\"ticket\":\"OPS-1\"}}",
        // field added
        "{\"migration\":\"V42__add_index.sql\",\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],"
                + "\"timeout_s\":30,\"lock_budget\":1.5,\"dry_run\":false,\"owner\":{\"team\":\"dba\",\"ticket\":\"OPS-1\"},\"force\":true}",
        // field removed
        "{\"migration\":\"V42__add_index.sql\",\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],"
                + "\"timeout_s\":30,\"lock_budget\":1.5,\"owner\":{\"team\":\"dba\",\"ticket\":\"OPS-1\"}}",
        // case of a string changed
        "{\"migration\":\"V42__add_index.sql\",\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],"
                + "\"timeout_s\":30,\"lock_budget\":1.5,\"dry_run\":false,\"owner\":{\"team\":\"DBA\",\"ticket\":\"OPS-1\"}}",
        // null instead of a value
        "{\"migration\":\"V42__add_index.sql\",\"statements\":[\"CREATE INDEX i ON orders(customer_id)\"],"
                + "\"timeout_s\":null,\"lock_budget\":1.5,\"dry_run\":false,\"owner\":{\"team\":\"dba\",\"ticket\":\"OPS-1\"}}"
    })
    void anyValueChangeFailsTheDigestCheck(String payload) throws Exception {
        ReleaseVerification result = verify(goodToken(), payload);
        assertEquals(VerificationFailure.DIGEST_MISMATCH, result.failure(), result.message());
        assertEquals(7, result.exitCode());
        assertNull(result.claims());
    }

    @Test
    void arrayOrderIsSignificant() throws Exception {
        String approved = "{\"statements\":[\"a\",\"b\"]}";
        String token = TestReleases.sign(KEY, TestReleases.header(KEY.kid()),
                TestReleases.claims("db-migrator", digest(approved), NOW, NOW.plusSeconds(600)));
        assertTrue(verify(token, approved).ok());
        assertEquals(VerificationFailure.DIGEST_MISMATCH, verify(token, "{\"statements\":[\"b\",\"a\"]}").failure());
    }

    @Test
    void refusesPayloadWithDuplicateKeysOrInvalidJson() throws Exception {
        String token = goodToken();
        assertEquals(VerificationFailure.PAYLOAD_UNREADABLE, verify(token, "{\"a\":1,\"a\":2}").failure());
        assertEquals(VerificationFailure.PAYLOAD_UNREADABLE, verify(token, "{\"a\":").failure());
        assertEquals(VerificationFailure.PAYLOAD_UNREADABLE, verify(token, "{} {}").failure());
        assertEquals(8, verify(token, "").exitCode());
    }

    @Test
    void refusesTokenForAnotherAudience() throws Exception {
        ReleaseVerification result = VERIFIER.verify(goodToken(), APPROVED.getBytes(StandardCharsets.UTF_8), "payment-service");
        assertEquals(VerificationFailure.AUDIENCE, result.failure());
        assertEquals(5, result.exitCode());
        assertTrue(result.message().contains("payment-service"), result.message());
    }

    @Test
    void refusesTokenFromAnotherIssuerWhenIssuerIsPinned() throws Exception {
        ReleaseVerification result = VERIFIER.withIssuer("https://countersign.example")
                .verify(goodToken(), APPROVED.getBytes(StandardCharsets.UTF_8), "db-migrator");
        assertEquals(VerificationFailure.ISSUER, result.failure());
    }

    @Test
    void refusesExpiredTokenBeyondTheClockSkew() throws Exception {
        Map<String, Object> claims = TestReleases.claims("db-migrator", digest(APPROVED), NOW.minusSeconds(700), NOW.minusSeconds(31));
        String token = TestReleases.sign(KEY, TestReleases.header(KEY.kid()), claims);
        ReleaseVerification result = verify(token, APPROVED);
        assertEquals(VerificationFailure.EXPIRED, result.failure());
        assertEquals(6, result.exitCode());
        // 29 s after exp is within the default 30 s skew; with no skew it is expired.
        claims.put("exp", NOW.minusSeconds(29).getEpochSecond());
        String barely = TestReleases.sign(KEY, TestReleases.header(KEY.kid()), claims);
        assertTrue(verify(barely, APPROVED).ok());
        assertEquals(VerificationFailure.EXPIRED, VERIFIER.withClockSkew(Duration.ZERO)
                .verify(barely, APPROVED.getBytes(StandardCharsets.UTF_8), "db-migrator").failure());
    }

    @Test
    void refusesTokenIssuedInTheFutureOrBeforeNbf() throws Exception {
        Map<String, Object> claims = TestReleases.claims("db-migrator", digest(APPROVED), NOW.plusSeconds(300), NOW.plusSeconds(900));
        assertEquals(VerificationFailure.NOT_YET_VALID,
                verify(TestReleases.sign(KEY, TestReleases.header(KEY.kid()), claims), APPROVED).failure());
        claims = goodClaims();
        claims.put("nbf", NOW.plusSeconds(120).getEpochSecond());
        assertEquals(VerificationFailure.NOT_YET_VALID,
                verify(TestReleases.sign(KEY, TestReleases.header(KEY.kid()), claims), APPROVED).failure());
    }

    @Test
    void refusesTamperedSignature() throws Exception {
        String token = goodToken();
        byte[] sig = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
        sig[10] ^= 0x01;
        String tampered = token.substring(0, token.lastIndexOf('.') + 1) + TestReleases.b64(sig);
        ReleaseVerification result = verify(tampered, APPROVED);
        assertEquals(VerificationFailure.BAD_SIGNATURE, result.failure());
        assertEquals(3, result.exitCode());
    }

    @Test
    void refusesTamperedClaimsUnderTheOriginalSignature() throws Exception {
        String token = goodToken();
        String[] parts = token.split("\\.");
        Map<String, Object> claims = goodClaims();
        claims.put("aud", "db-migrator");
        claims.put("target", "billing-db"); // the agent tries to point an approval elsewhere
        String forged = parts[0] + "." + CompactJws.part(claims) + "." + parts[2];
        assertEquals(VerificationFailure.BAD_SIGNATURE, verify(forged, APPROVED).failure());
    }

    @Test
    void refusesTokenSignedByAKeyOutsideTheJwksEvenWithAKnownKid() throws Exception {
        String token = TestReleases.sign(OTHER_KEY, TestReleases.header(KEY.kid()), goodClaims());
        assertEquals(VerificationFailure.BAD_SIGNATURE, verify(token, APPROVED).failure());
    }

    @Test
    void refusesZeroSignature() throws Exception {
        String token = goodToken();
        String zero = token.substring(0, token.lastIndexOf('.') + 1) + TestReleases.b64(new byte[64]);
        assertEquals(VerificationFailure.BAD_SIGNATURE, verify(zero, APPROVED).failure());
    }

    @Test
    void refusesAlgNone() throws Exception {
        Map<String, Object> header = TestReleases.header(KEY.kid());
        header.put("alg", "none");
        String unsigned = CompactJws.part(header) + "." + CompactJws.part(goodClaims()) + ".";
        ReleaseVerification result = verify(unsigned, APPROVED);
        assertEquals(VerificationFailure.ALGORITHM, result.failure());
        assertEquals(4, result.exitCode());
    }

    @Test
    void refusesHmacAlgorithmEvenWhenSignedWithThePublicKeyBytes() throws Exception {
        Map<String, Object> header = TestReleases.header(KEY.kid());
        header.put("alg", "HS256");
        String input = CompactJws.part(header) + "." + CompactJws.part(goodClaims());
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY.publicKey().getEncoded(), "HmacSHA256"));
        String token = input + "." + TestReleases.b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(VerificationFailure.ALGORITHM, verify(token, APPROVED).failure());
    }

    @Test
    void refusesUnknownOrMissingKid() throws Exception {
        ReleaseVerification unknown = verify(TestReleases.sign(KEY, TestReleases.header("no-such-key"), goodClaims()), APPROVED);
        assertEquals(VerificationFailure.UNKNOWN_KEY, unknown.failure());
        assertEquals(3, unknown.exitCode());
        Map<String, Object> header = TestReleases.header(KEY.kid());
        header.remove("kid");
        assertEquals(VerificationFailure.UNKNOWN_KEY, verify(TestReleases.sign(KEY, header, goodClaims()), APPROVED).failure());
    }

    @ParameterizedTest(name = "typ {0} is refused")
    @ValueSource(strings = {"JWT", "at+jwt", "countersign-release", ""})
    void refusesWrongTyp(String typ) throws Exception {
        Map<String, Object> header = TestReleases.header(KEY.kid());
        header.put("typ", typ);
        ReleaseVerification result = verify(TestReleases.sign(KEY, header, goodClaims()), APPROVED);
        assertEquals(VerificationFailure.TYPE, result.failure());
        assertEquals(4, result.exitCode());
    }

    @Test
    void refusesMissingTypAndCriticalHeaders() throws Exception {
        Map<String, Object> header = TestReleases.header(KEY.kid());
        header.remove("typ");
        assertEquals(VerificationFailure.TYPE, verify(TestReleases.sign(KEY, header, goodClaims()), APPROVED).failure());
        header = TestReleases.header(KEY.kid());
        header.put("crit", java.util.List.of("exp"));
        assertEquals(VerificationFailure.TYPE, verify(TestReleases.sign(KEY, header, goodClaims()), APPROVED).failure());
    }

    @Test
    void acceptsTypWithApplicationPrefixAsRfc7515Allows() throws Exception {
        Map<String, Object> header = TestReleases.header(KEY.kid());
        header.put("typ", "application/Countersign-Release+JWT");
        assertTrue(verify(TestReleases.sign(KEY, header, goodClaims()), APPROVED).ok());
    }

    @ParameterizedTest(name = "malformed token {0}")
    @ValueSource(strings = {"", "abc", "a.b", "a.b.c.d", "e30.e30.", "!!.e30.AA", "eyJhbGciOiJFUzI1NiJ9=.e30.AA"})
    void refusesMalformedTokens(String token) {
        ReleaseVerification result = verify(token, APPROVED);
        assertTrue(result.failure() == VerificationFailure.MALFORMED || result.failure() == VerificationFailure.ALGORITHM,
                String.valueOf(result.failure()));
        assertTrue(result.exitCode() == 3 || result.exitCode() == 4);
    }

    @Test
    void refusesGenuinelySignedTokenWithoutReleaseClaims() throws Exception {
        Map<String, Object> claims = goodClaims();
        claims.remove("payload_sha256");
        ReleaseVerification result = verify(TestReleases.sign(KEY, TestReleases.header(KEY.kid()), claims), APPROVED);
        assertEquals(VerificationFailure.INVALID_CLAIMS, result.failure());
        claims = goodClaims();
        claims.put("request_id", "not-a-uuid");
        assertEquals(VerificationFailure.INVALID_CLAIMS,
                verify(TestReleases.sign(KEY, TestReleases.header(KEY.kid()), claims), APPROVED).failure());
    }

    @Test
    void skipsJwksEntriesThatAreNotPointsOnTheCurve() throws Exception {
        Map<String, Object> jwk = ReleaseKeyMaterial.publicJwk(KEY.kid(), KEY.publicKey());
        byte[] y = Base64.getUrlDecoder().decode((String) jwk.get("y"));
        y[31] ^= 0x01;
        jwk.put("y", TestReleases.b64(y));
        ReleaseVerifier offCurve = new ReleaseVerifier(JwksSource.ofJson("{\"keys\":[" + TestReleases.CompactJwsTestJson.write(jwk) + "]}"))
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(VerificationFailure.UNKNOWN_KEY,
                offCurve.verify(goodToken(), APPROVED.getBytes(StandardCharsets.UTF_8), "db-migrator").failure());
    }

    @Test
    void reportsUnreachableJwksAsUnreadableInput() throws Exception {
        JwksSource down = kid -> {
            throw new io.countersign.release.verify.JwksUnavailableException("connection refused");
        };
        ReleaseVerification result = ReleaseVerifier.verify(goodToken(), APPROVED.getBytes(StandardCharsets.UTF_8), "db-migrator", down);
        assertEquals(VerificationFailure.KEYS_UNAVAILABLE, result.failure());
        assertEquals(8, result.exitCode());
    }
}
