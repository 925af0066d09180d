package io.countersign.release;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReleaseRedeemResourceTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    ReleaseService releases;

    @Inject
    ReleaseKeys keys;

    @Inject
    ReleaseEventsRecorder events;

    @TestHTTPResource("/api/v1/releases/")
    URL releasesUrl;

    private static ValidatableResponse redeem(String jti, String token, String bearer) {
        var spec = given().contentType(ContentType.JSON).body(Map.of("token", token));
        if (bearer != null) {
            spec = spec.auth().oauth2(bearer);
        }
        return spec.when().post("/api/v1/releases/{jti}/redeem", jti).then();
    }

    private static String executor() {
        return Tokens.token("db-migrator", "executor");
    }

    @Test
    void firstRedeemSucceedsWithTheVerifiedClaimsAndAReplayIsRefused() {
        ReleaseRequest request = ReleaseFixtures.request("db.schema.change");
        IssuedRelease issued = releases.issue(request);

        redeem(issued.jti(), issued.token(), executor())
                .statusCode(200)
                .body("jti", equalTo(issued.jti()))
                .body("request_id", equalTo(request.requestId().toString()))
                .body("redeemed_by", equalTo("db-migrator"))
                .body("redeemed_at", notNullValue())
                .body("claims.payload_sha256", equalTo(request.payloadSha256()))
                .body("claims.aud", equalTo("db-migrator"))
                .body("claims.sub", equalTo(request.agentId()))
                .body("claims.approvers[1]", equalTo("dba-dan"));

        redeem(issued.jti(), issued.token(), executor())
                .statusCode(409).contentType(PROBLEM)
                .body("type", equalTo("https://countersign.dev/problems/release-already-redeemed"))
                .body("detail", containsString("single-use"));
    }

    @Test
    void expiredReleaseIsGone() {
        IssuedRelease stale = releases.issue(ReleaseFixtures.request("db.schema.change"), Instant.now().minus(Duration.ofMinutes(11)));
        redeem(stale.jti(), stale.token(), executor())
                .statusCode(410).contentType(PROBLEM)
                .body("type", equalTo("https://countersign.dev/problems/release-expired"));
    }

    @Test
    void supersededReleaseIsGone() {
        ReleaseRequest request = ReleaseFixtures.request("db.schema.change");
        IssuedRelease stale = releases.issue(request, Instant.now().minus(Duration.ofMinutes(11)));
        IssuedRelease fresh = releases.issue(request);
        redeem(stale.jti(), stale.token(), executor())
                .statusCode(410).body("type", equalTo("https://countersign.dev/problems/release-superseded"));
        redeem(fresh.jti(), fresh.token(), executor()).statusCode(200);
    }

    @Test
    void genuinelySignedButUnknownJtiIsNotFound() {
        String jti = UUID.randomUUID().toString();
        Map<String, Object> claims = TestReleases.claims("db-migrator", ReleaseFixtures.digest(ReleaseFixtures.PAYLOAD),
                Instant.now(), Instant.now().plusSeconds(600));
        claims.put("jti", jti);
        String token = TestReleases.sign(keys.signing(), TestReleases.header(keys.signing().kid()), claims);
        redeem(jti, token, executor())
                .statusCode(404).contentType(PROBLEM)
                .body("type", equalTo("https://countersign.dev/problems/release-not-found"));
    }

    @Test
    void pathJtiMustBeTheTokensJti() {
        IssuedRelease a = releases.issue(ReleaseFixtures.request("db.schema.change"));
        IssuedRelease b = releases.issue(ReleaseFixtures.request("db.schema.change"));
        redeem(a.jti(), b.token(), executor())
                .statusCode(400).body("type", equalTo("https://countersign.dev/problems/release-jti-mismatch"));
        redeem(a.jti(), a.token(), executor()).statusCode(200);
    }

    @Test
    void tamperedSignatureIsRefused() {
        IssuedRelease issued = releases.issue(ReleaseFixtures.request("db.schema.change"));
        String t = issued.token();
        byte[] sig = Base64.getUrlDecoder().decode(t.substring(t.lastIndexOf('.') + 1));
        sig[3] ^= 0x40;
        redeem(issued.jti(), t.substring(0, t.lastIndexOf('.') + 1) + TestReleases.b64(sig), executor())
                .statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("https://countersign.dev/problems/release-token-invalid"))
                .body("detail", containsString("signature"));
        redeem(issued.jti(), issued.token(), executor()).statusCode(200);
    }

    @Test
    void algNoneWrongTypAndUnknownKidAreRefused() {
        IssuedRelease issued = releases.issue(ReleaseFixtures.request("db.schema.change"));
        String claimsPart = issued.token().split("\\.")[1];
        Map<String, Object> none = TestReleases.header(keys.signing().kid());
        none.put("alg", "none");
        redeem(issued.jti(), CompactJws.part(none) + "." + claimsPart + ".", executor())
                .statusCode(422).body("detail", containsString("alg"));

        Map<String, Object> jwt = TestReleases.header(keys.signing().kid());
        jwt.put("typ", "JWT");
        Map<String, Object> sameClaims = claimsOf(issued.token());
        redeem(issued.jti(), TestReleases.sign(keys.signing(), jwt, sameClaims), executor())
                .statusCode(422).body("detail", containsString("typ"));

        ReleaseKeyMaterial.LoadedKey stranger = ReleaseKeyMaterial.generate();
        redeem(issued.jti(), TestReleases.sign(stranger, TestReleases.header(stranger.kid()), sameClaims), executor())
                .statusCode(422).body("detail", containsString("kid"));

        // None of those attempts used the release up.
        redeem(issued.jti(), issued.token(), executor()).statusCode(200);
    }

    @Test
    void missingOrMalformedTokenIsABadRequest() {
        given().contentType(ContentType.JSON).body("{}").auth().oauth2(executor())
                .when().post("/api/v1/releases/{jti}/redeem", "x").then()
                .statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("token"));
        redeem("x", "not-a-jws", executor())
                .statusCode(400).body("type", equalTo("https://countersign.dev/problems/release-token-malformed"));
        given().contentType(ContentType.JSON).body("{\"token\":").auth().oauth2(executor())
                .when().post("/api/v1/releases/{jti}/redeem", "x").then()
                .statusCode(400).contentType(PROBLEM);
    }

    @Test
    void redeemingNeedsTheExecutorRole() {
        IssuedRelease issued = releases.issue(ReleaseFixtures.request("db.schema.change"));
        redeem(issued.jti(), issued.token(), null).statusCode(401).contentType(PROBLEM);
        redeem(issued.jti(), issued.token(), "not.a.valid-bearer").statusCode(401).contentType(PROBLEM);
        redeem(issued.jti(), issued.token(), Tokens.agent("agent-7")).statusCode(403).contentType(PROBLEM);
        redeem(issued.jti(), issued.token(), executor()).statusCode(200);
    }

    @Test
    void failedAuditObserverRollsTheRedemptionBack() {
        IssuedRelease issued = releases.issue(ReleaseFixtures.request("db.schema.change"));
        events.vetoNextRedeemOf(issued.jti());
        redeem(issued.jti(), issued.token(), executor()).statusCode(500).contentType(PROBLEM);
        // Nothing half-written: the release is still redeemable, exactly once.
        redeem(issued.jti(), issued.token(), executor()).statusCode(200);
        redeem(issued.jti(), issued.token(), executor()).statusCode(409);
    }

    @Test
    void eightConcurrentRedeemsOfOneJtiYieldExactlyOneSuccess() throws Exception {
        IssuedRelease issued = releases.issue(ReleaseFixtures.request("db.schema.change"));
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"token\":\"" + issued.token() + "\"}";
        String bearer = executor();
        URI uri = releasesUrl.toURI().resolve(issued.jti() + "/redeem");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch ready = new CountDownLatch(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<Integer> attempt = () -> {
                    HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    ready.countDown();
                    go.await();
                    return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                };
                results.add(pool.submit(attempt));
            }
            ready.await();
            go.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : results) {
                codes.add(f.get());
            }
            assertEquals(1, codes.stream().filter(c -> c == 200).count(), codes.toString());
            assertEquals(7, codes.stream().filter(c -> c == 409).count(), codes.toString());
            assertEquals(1, events.about(issued.jti()).stream().filter(s -> s.event() instanceof ReleaseRedeemed).count());
        } finally {
            pool.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> claimsOf(String token) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                    Base64.getUrlDecoder().decode(token.split("\\.")[1]), Map.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
