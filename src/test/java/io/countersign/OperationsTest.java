package io.countersign;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Health (with the database), Prometheus metrics and the OpenAPI document. */
@QuarkusTest
class OperationsTest {

    static final int MANAGEMENT_PORT = 9001;

    @Inject
    TestAgents agents;

    @Test
    void readinessIncludesTheDatabase() {
        given().port(MANAGEMENT_PORT).when().get("/q/health/ready")
                .then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")));
        given().port(MANAGEMENT_PORT).when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void exposesSubmissionMetricsByOutcome() {
        String agent = agents.register();
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").header("Idempotency-Key", "m1")
                .body(Payloads.payment("1.00", "sandbox")).when().post("/api/v1/actions").then().statusCode(201);
        given().port(MANAGEMENT_PORT).when().get("/q/metrics")
                .then().statusCode(200).body(containsString("countersign_submissions_total{outcome=\"approved\""));
    }

    @Test
    void metricsAndHealthAreNotOnThePublicPort() {
        given().when().get("/q/metrics").then().statusCode(404);
    }

    @Test
    void publishesOpenApiWithTheActionEndpoints() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body(containsString("/api/v1/actions/{id}/cancel"))
                .body(containsString("Idempotency-Key"))
                .body(containsString("INV-2026-117"));
    }
}
