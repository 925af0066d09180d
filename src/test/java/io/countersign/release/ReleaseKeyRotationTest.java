package io.countersign.release;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import io.countersign.release.ReleaseKeyMaterial.LoadedKey;
import io.countersign.release.verify.VerifyReleaseCommand;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Production-style keys from configuration, mid-rotation: a new PKCS#8 key signs, the old
 * SEC1 key is verify-only. Old tokens keep verifying through the JWKS; new ones use the new kid.
 */
@QuarkusTest
@TestProfile(ReleaseKeyRotationTest.Rotated.class)
class ReleaseKeyRotationTest {

    /** New key signs, old key is verify-only; anonymous redemption on. */
    public static class Rotated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "countersign.release.keys.signing-key", "src/test/resources/release-keys/new-signing-pkcs8.pem",
                    "countersign.release.keys.verify-only", "src/test/resources/release-keys/old-signing-sec1.pem",
                    "countersign.release.redeem.anonymous", "true",
                    "countersign.release.ttl", "PT2M");
        }
    }

    private static final Path KEYS = Path.of("src/test/resources/release-keys");

    @Inject
    ReleaseService releases;

    @TestHTTPResource("/.well-known/jwks.json")
    URL jwksUrl;

    @Test
    void newTokensUseTheNewKidAndOldTokensStillVerifyThroughThePublishedJwks() throws Exception {
        LoadedKey newKey = ReleaseKeyMaterial.read(KEYS.resolve("new-signing-pkcs8.pem")).get(0);
        LoadedKey oldKey = ReleaseKeyMaterial.read(KEYS.resolve("old-signing-sec1.pem")).get(0);

        given().when().get("/.well-known/jwks.json").then().statusCode(200)
                .body("keys.kid", hasItems(newKey.kid(), oldKey.kid()));

        IssuedRelease fresh = releases.issue(ReleaseFixtures.request("db.schema.change"));
        SignedJWT jwt = SignedJWT.parse(fresh.token());
        assertEquals(newKey.kid(), jwt.getHeader().getKeyID());
        assertEquals(120, (jwt.getJWTClaimsSet().getExpirationTime().getTime() - jwt.getJWTClaimsSet().getIssueTime().getTime()) / 1000);

        // A token the old key signed before the rotation, checked by the shipped command against the live JWKS.
        Map<String, Object> claims = TestReleases.claims("db-migrator", ReleaseFixtures.digest(ReleaseFixtures.PAYLOAD),
                Instant.now().minusSeconds(60), Instant.now().plusSeconds(540));
        String oldToken = TestReleases.sign(oldKey, TestReleases.header(oldKey.kid()), claims);
        Path payload = Files.writeString(Files.createTempFile("payload", ".json"), ReleaseFixtures.PAYLOAD);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VerifyReleaseCommand.run(new String[] {"--token", oldToken, "--payload", payload.toString(),
            "--jwks", jwksUrl.toString(), "--audience", "db-migrator"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(0, code, err.toString());
        code = VerifyReleaseCommand.run(new String[] {"--token", fresh.token(), "--payload", payload.toString(),
            "--jwks", jwksUrl.toString(), "--audience", "db-migrator"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(0, code, err.toString());
        Files.delete(payload);
    }

    @Test
    void anonymousRedemptionRecordsTheAudienceAndAuthenticatedCallersStillNeedTheRole() {
        IssuedRelease issued = releases.issue(ReleaseFixtures.request("payment.transfer"));
        given().contentType("application/json").body(Map.of("token", issued.token())).auth().oauth2(Tokens.agent("agent-7"))
                .when().post("/api/v1/releases/{jti}/redeem", issued.jti()).then().statusCode(403);
        String by = given().contentType("application/json").body(Map.of("token", issued.token()))
                .when().post("/api/v1/releases/{jti}/redeem", issued.jti()).then().statusCode(200)
                .extract().path("redeemed_by");
        assertTrue(by.equals("aud:payment-service"), by);
    }
}
