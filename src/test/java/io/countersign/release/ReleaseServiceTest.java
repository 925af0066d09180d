package io.countersign.release;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.countersign.release.verify.JwksSource;
import io.countersign.release.verify.ReleaseVerification;
import io.countersign.release.verify.ReleaseVerifier;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReleaseServiceTest {

    @Inject
    ReleaseService releases;

    @Inject
    ReleaseKeys keys;

    @Inject
    ReleaseEventsRecorder events;

    private static String jwks() {
        return given().when().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
    }

    @Test
    void issuedTokenVerifiesWithNimbusAnIndependentJoseImplementation() throws Exception {
        ReleaseRequest request = ReleaseFixtures.request("db.schema.change");
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        IssuedRelease issued = releases.issue(request);

        SignedJWT jwt = SignedJWT.parse(issued.token());
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        assertEquals(new JOSEObjectType("countersign-release+jwt"), jwt.getHeader().getType());
        assertEquals(keys.signing().kid(), jwt.getHeader().getKeyID());
        JWKSet set = JWKSet.parse(jwks());
        assertTrue(jwt.verify(new ECDSAVerifier(set.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey())),
                "nimbus must accept Countersign's ES256 signature");

        JWTClaimsSet c = jwt.getJWTClaimsSet();
        assertEquals("countersign", c.getIssuer());
        assertEquals(request.agentId(), c.getSubject());
        assertEquals(List.of("db-migrator"), c.getAudience());
        assertEquals(issued.jti(), c.getJWTID());
        assertFalse(c.getIssueTime().toInstant().isBefore(before));
        assertEquals(Duration.ofMinutes(10), Duration.between(c.getIssueTime().toInstant(), c.getExpirationTime().toInstant()));
        assertEquals(issued.expiresAt(), c.getExpirationTime().toInstant());
        assertEquals(request.requestId().toString(), c.getStringClaim("request_id"));
        assertEquals("db.schema.change", c.getStringClaim("action_type"));
        assertEquals("orders-db", c.getStringClaim("target"));
        assertEquals("production", c.getStringClaim("environment"));
        assertEquals(request.payloadSha256(), c.getStringClaim("payload_sha256"));
        assertEquals(List.of("dba-dora", "dba-dan"), c.getStringListClaim("approvers"));
        assertEquals("12", c.getStringClaim("policy_version"));
        assertEquals("prod-schema-two-dbas", c.getStringClaim("policy_rule"));
        assertEquals(1234L, c.getLongClaim("audit_seq"));

        // And Countersign's own verifier agrees on the full check, payload included.
        ReleaseVerification own = ReleaseVerifier.verify(issued.token(),
                ReleaseFixtures.PAYLOAD.getBytes(StandardCharsets.UTF_8), "db-migrator", JwksSource.ofJson(jwks()));
        assertTrue(own.ok(), own.message());
    }

    @Test
    void audienceIsTheExecutorConfiguredForTheActionTypeOrTheDefault() {
        assertEquals("payment-service", releases.issue(ReleaseFixtures.request("payment.transfer")).audience());
        assertEquals("git-pre-receive", releases.issue(ReleaseFixtures.request("code.push")).audience());
        assertEquals("countersign-executor", releases.issue(ReleaseFixtures.request("feature.flag.flip")).audience());
    }

    @Test
    void issuingTwiceReturnsTheSameUnexpiredRelease() {
        ReleaseRequest request = ReleaseFixtures.request("db.schema.change");
        IssuedRelease first = releases.issue(request);
        IssuedRelease again = releases.issue(request);
        assertEquals(first, again);
        assertEquals(first, releases.find(request.requestId()).orElseThrow());
        assertEquals(1, events.about(first.jti()).size(), "one ReleaseIssued event, not one per call");
    }

    @Test
    void findIsEmptyForARequestWithoutRelease() {
        assertTrue(releases.find(UUID.randomUUID()).isEmpty());
    }

    @Test
    void expiredUnusedReleaseIsSupersededByANewOne() {
        ReleaseRequest request = ReleaseFixtures.request("db.schema.change");
        IssuedRelease stale = releases.issue(request, Instant.now().minus(Duration.ofMinutes(30)));
        assertTrue(stale.expiresAt().isBefore(Instant.now()));

        IssuedRelease fresh = releases.issue(request);
        assertNotEquals(stale.jti(), fresh.jti());
        assertTrue(fresh.expiresAt().isAfter(Instant.now()));
        assertEquals(fresh, releases.find(request.requestId()).orElseThrow());
    }

    @Test
    void redeemedReleaseIsNeverReissuedEvenAfterItsExpiry() {
        ReleaseRequest request = ReleaseFixtures.request("db.schema.change");
        IssuedRelease issued = releases.issue(request);
        releases.redeem(issued.jti(), issued.token(), "db-migrator");

        // An hour later the token has expired; asking again must not mint a second usable one.
        IssuedRelease later = releases.issue(request, Instant.now().plus(Duration.ofHours(1)));
        assertEquals(issued, later);
    }

    @Test
    void issuingAndRedeemingFireEventsInsideTheTransaction() {
        ReleaseRequest request = ReleaseFixtures.request("db.schema.change");
        IssuedRelease issued = releases.issue(request);
        releases.redeem(issued.jti(), issued.token(), "db-migrator");

        List<ReleaseEventsRecorder.Seen> seen = events.about(issued.jti());
        assertEquals(2, seen.size());
        ReleaseIssued i = (ReleaseIssued) seen.get(0).event();
        assertEquals(request.requestId(), i.requestId());
        assertEquals("db-migrator", i.audience());
        assertEquals(keys.signing().kid(), i.kid());
        assertEquals(1234L, i.approvalAuditSeq());
        ReleaseRedeemed r = (ReleaseRedeemed) seen.get(1).event();
        assertEquals(new ReleaseRedeemed(issued.jti(), request.requestId(), "db-migrator", r.redeemedAt(), request.agentId()), r);
        assertTrue(seen.stream().allMatch(ReleaseEventsRecorder.Seen::inTransaction));
    }

    @Test
    void refusesIncompleteReleaseRequests() {
        ReleaseRequest ok = ReleaseFixtures.request("db.schema.change");
        assertThrows(IllegalArgumentException.class, () -> releases.issue(new ReleaseRequest(ok.requestId(), ok.agentId(),
                ok.actionType(), ok.target(), ok.environment(), "NOT-A-DIGEST", ok.approvers(), ok.policyVersion(), ok.policyRule(), null)));
        assertThrows(IllegalArgumentException.class, () -> releases.issue(new ReleaseRequest(ok.requestId(), null,
                ok.actionType(), ok.target(), ok.environment(), ok.payloadSha256(), ok.approvers(), ok.policyVersion(), ok.policyRule(), null)));
        assertTrue(releases.find(ok.requestId()).isEmpty());
    }

    @Test
    void omitsAuditSeqUntilTheAuditTrailProvidesIt() throws Exception {
        ReleaseRequest r = ReleaseFixtures.request("db.schema.change");
        ReleaseRequest withoutSeq = new ReleaseRequest(r.requestId(), r.agentId(), r.actionType(), r.target(), r.environment(),
                r.payloadSha256(), r.approvers(), r.policyVersion(), r.policyRule(), null);
        SignedJWT jwt = SignedJWT.parse(releases.issue(withoutSeq).token());
        assertFalse(jwt.getJWTClaimsSet().getClaims().containsKey("audit_seq"));
    }
}
