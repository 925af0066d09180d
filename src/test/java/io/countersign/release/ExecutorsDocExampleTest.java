package io.countersign.release;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.countersign.docs.DocExamplesTest;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs Countersign with the executor mapping printed in docs/executors.md ("Who may redeem"),
 * unchanged: the profile of the after-package doc tests reads it from the page.
 */
@QuarkusTest
@TestProfile(DocExamplesTest.Demo.class)
@Tag("after-package")
class ExecutorsDocExampleTest {

    @Inject
    ReleaseService releases;

    @Test
    void theDocumentedMappingLetsTheMigratorRedeemAndRefusesThePaymentService() {
        IssuedRelease issued = releases.issue(ReleaseFixtures.request(UUID.randomUUID(), "db.schema.change",
                ReleaseFixtures.PAYLOAD)); // aud db-migrator
        Map<String, String> body = Map.of("token", issued.token());
        given().contentType("application/json").body(body).auth().oauth2(Tokens.token("payments-svc", "executor"))
                .when().post("/api/v1/releases/{jti}/redeem", issued.jti()).then()
                .statusCode(403).body("type", equalTo("https://countersign.dev/problems/release-wrong-executor"));
        given().contentType("application/json").body(body).auth().oauth2(Tokens.token("db-migrator-svc", "executor"))
                .when().post("/api/v1/releases/{jti}/redeem", issued.jti()).then()
                .statusCode(200).body("redeemed_by", equalTo("db-migrator-svc"));
    }
}
