package io.countersign.policy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The admin policy API is reachable only with the right role; the bundled policy is in force by default. */
@QuarkusTest
class PolicyResourceTest {

    private static final String POLICY = "/api/v1/admin/policy";
    private static final String RELOAD = "/api/v1/admin/policy/reload";

    @Inject
    PolicyEvaluator evaluator;

    @Test
    void anonymousCallersGet401() {
        given()
                .when().get(POLICY)
                .then().statusCode(401).contentType("application/problem+json");
        given()
                .when().post(RELOAD)
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void agentsAndReviewersGet403() {
        for (String token : new String[] { Tokens.agent("agent-policy-1"), Tokens.reviewer("rita", "dba", "security") }) {
            given().auth().oauth2(token)
                    .when().get(POLICY)
                    .then().statusCode(403).contentType("application/problem+json");
            given().auth().oauth2(token)
                    .when().post(RELOAD)
                    .then().statusCode(403).contentType("application/problem+json");
        }
    }

    @Test
    void auditorsMayReadButNotReload() {
        given().auth().oauth2(Tokens.auditor())
                .when().get(POLICY)
                .then().statusCode(200)
                .body("version", startsWith("2026-12-01.1+sha256:"))
                .body("source", equalTo("classpath:policy/default-policy.yaml"))
                .body("rules", hasSize(8))
                .body("contentSha256", matchesPattern("[0-9a-f]{64}"))
                .body("loadedAt", matchesPattern("\\d{4}-\\d{2}-\\d{2}T.*"))
                .body("rules[2].name", equalTo("large-payment"))
                .body("rules[2].review.approvals", equalTo(2))
                .body("rules[2].review.timeout", equalTo("PT24H"))
                .body("rules[7].defaultRule", equalTo(true));
        given().auth().oauth2(Tokens.auditor())
                .when().post(RELOAD)
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void adminsMayReadAndReload() {
        String version = given().auth().oauth2(Tokens.admin())
                .when().get(POLICY)
                .then().statusCode(200).extract().path("version");
        given().auth().oauth2(Tokens.admin())
                .when().post(RELOAD)
                .then().statusCode(200)
                .body("version", equalTo(version))
                .body("rules", hasSize(8));
    }

    @Test
    void evaluatorBeanDecidesWithTheBundledPolicy() {
        PolicyDecision d = evaluator.evaluate(Policies.payment("production", "12000.00"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome());
        assertEquals("large-payment", d.ruleName());
        assertEquals(evaluator.active().version(), d.policyVersion());
    }
}
