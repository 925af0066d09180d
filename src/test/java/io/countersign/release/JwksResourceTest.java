package io.countersign.release;

import io.countersign.common.JwksContributor;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class JwksResourceTest {

    @Inject
    ReleaseKeys keys;

    @Test
    void publishesPublicSigningKeysWithoutAuthenticationAndCacheable() {
        given().accept("application/json")
                .when().get("/.well-known/jwks.json")
                .then().statusCode(200)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", equalTo("public, max-age=300"))
                .body("keys.kid", hasItem(keys.signing().kid()))
                .body("keys.find { it.kid == '" + keys.signing().kid() + "' }", equalTo(Map.of(
                        "kty", "EC", "crv", "P-256", "kid", keys.signing().kid(), "use", "sig", "alg", "ES256",
                        "x", TestReleases.b64(TestReleases.coordinate(keys.signing().publicKey().getW().getAffineX())),
                        "y", TestReleases.b64(TestReleases.coordinate(keys.signing().publicKey().getW().getAffineY())))))
                .body("keys", everyItem(not(hasKey("d"))));
    }

    @Test
    void servesTheJwkSetMediaTypeWhenAsked() {
        given().accept("application/jwk-set+json")
                .when().get("/.well-known/jwks.json")
                .then().statusCode(200).contentType(startsWith("application/jwk-set+json"));
    }

    @Test
    void includesContributedKeysButNeverPrivateOnes() {
        given().when().get("/.well-known/jwks.json")
                .then().statusCode(200)
                .body("keys.kid", hasItem(TestJwksContributor.KID))
                .body("keys.kid", not(hasItem("leaky-key")))
                .body("keys.kid", hasItem(startsWith("countersign-audit-")))
                // release signing key + the audit checkpoint key + the test contributor's key
                .body("keys.kid", org.hamcrest.Matchers.hasSize(3));
    }
}
