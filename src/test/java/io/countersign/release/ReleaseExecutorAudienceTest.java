package io.countersign.release;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Only the executor a release names may redeem it (countersign.release.executors, docs/executors.md),
 * and the redeemer is recorded by the token's subject, never by its upn (docs/security.md).
 */
@QuarkusTest
class ReleaseExecutorAudienceTest {

    @Inject
    ReleaseService releases;

    @Inject
    EntityManager em;

    private static ValidatableResponse redeem(IssuedRelease r, String bearer) {
        return given().contentType(ContentType.JSON).body(Map.of("token", r.token())).auth().oauth2(bearer)
                .when().post("/api/v1/releases/{jti}/redeem", r.jti()).then();
    }

    private String redeemedBy(String jti) {
        return QuarkusTransaction.requiringNew().call(() -> {
            em.clear();
            return ReleaseTokenEntity.<ReleaseTokenEntity>findById(jti).redeemedBy;
        });
    }

    @Test
    void anotherExecutorIsRefusedAndTheReleaseStaysRedeemableByItsOwn() {
        ReleaseRequest request = ReleaseFixtures.request("db.schema.change"); // aud db-migrator
        IssuedRelease issued = releases.issue(request);
        redeem(issued, Tokens.token("payments-executor", "executor"))
                .statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("https://countersign.dev/problems/release-wrong-executor"))
                .body("detail", containsString("db-migrator"))
                .body("detail", containsString("payments-executor"));
        assertNull(redeemedBy(issued.jti()));
        given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/requests/" + request.requestId())
                .then().statusCode(200)
                .body("events.find { it.type == 'release.redeem_refused' }.actorId", equalTo("payments-executor"));
        redeem(issued, Tokens.token("db-migrator", "executor")).statusCode(200).body("redeemed_by", equalTo("db-migrator"));
    }

    @Test
    void executorWithoutAnAudienceMappingIsRefused() {
        IssuedRelease issued = releases.issue(ReleaseFixtures.request("db.schema.change"));
        redeem(issued, Tokens.token("unmapped-executor", "executor"))
                .statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("https://countersign.dev/problems/release-wrong-executor"))
                .body("detail", containsString("countersign.release.executors"));
        assertNull(redeemedBy(issued.jti()));
    }

    @Test
    void mappingComparesTheSubjectExactly() {
        IssuedRelease issued = releases.issue(ReleaseFixtures.request("db.schema.change"));
        redeem(issued, Tokens.token("DB-MIGRATOR", "executor")).statusCode(403);
        assertNull(redeemedBy(issued.jti()));
    }

    @Test
    void redeemerIsRecordedByTheTokensSubjectNotItsUpn() {
        ReleaseRequest request = ReleaseFixtures.request("payment.transfer"); // aud payment-service
        IssuedRelease issued = releases.issue(request);
        // sec-exec is mapped to payment-service; its upn names someone else
        redeem(issued, Tokens.withUpn("sec-exec", "mallory", "executor"))
                .statusCode(200).body("redeemed_by", equalTo("sec-exec"));
        assertEquals("sec-exec", redeemedBy(issued.jti()));
        given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/requests/" + request.requestId())
                .then().statusCode(200)
                .body("events.find { it.type == 'release.redeemed' }.actorId", equalTo("sec-exec"));
        redeem(issued, Tokens.withUpn("sec-exec", "mallory", "executor"))
                .statusCode(409).body("detail", containsString("by sec-exec"));
    }
}
