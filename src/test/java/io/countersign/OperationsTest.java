package io.countersign;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Health (with the database), Prometheus metrics and the OpenAPI document. */
@QuarkusTest
class OperationsTest {

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readiness;

    @TestHTTPResource(value = "/health/live", management = true)
    URL liveness;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "/openapi", management = true)
    URL openapi;

    @TestHTTPResource(value = "/swagger-ui/", management = true)
    URL swaggerUi;

    @Inject
    TestAgents agents;

    @Test
    void readinessIncludesTheDatabase() {
        given().when().get(readiness)
                .then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")));
        given().when().get(liveness).then().statusCode(200);
    }

    @Test
    void exposesSubmissionMetricsByOutcome() {
        String agent = agents.register();
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").header("Idempotency-Key", "m1")
                .body(Payloads.payment("1.00", "sandbox")).when().post("/api/v1/actions").then().statusCode(201);
        given().when().get(metrics)
                .then().statusCode(200).body(containsString("countersign_submissions_total{outcome=\"approved\""));
    }

    @Test
    void theNetworkPolicyInTheOperationsGuideOpensTheManagementPortToMonitoringOnly() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/operations.md"));
        int start = doc.indexOf("```yaml\nkind: NetworkPolicy");
        String yaml = doc.substring(start + 8, doc.indexOf("```", start + 8));
        var policy = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(yaml);
        var ingress = policy.path("spec").path("ingress");
        org.junit.jupiter.api.Assertions.assertEquals(8080, ingress.path(0).path("ports").path(0).path("port").asInt());
        org.junit.jupiter.api.Assertions.assertTrue(ingress.path(0).path("from").isMissingNode(), "8080 is open to all");
        org.junit.jupiter.api.Assertions.assertEquals(9000, ingress.path(1).path("ports").path(0).path("port").asInt());
        org.junit.jupiter.api.Assertions.assertEquals("monitoring", ingress.path(1).path("from").path(0)
                .path("namespaceSelector").path("matchLabels").path("kubernetes.io/metadata.name").asText());
    }

    @Test
    void metricsAndHealthAreNotOnThePublicPort() {
        given().when().get("/q/metrics").then().statusCode(404);
    }

    @Test
    void apiDescriptionAndSwaggerUiAreNotOnThePublicPort() {
        given().when().get("/q/openapi").then().statusCode(404);
        given().when().get("/q/swagger-ui/").then().statusCode(404);
        given().when().get("/q/swagger-ui").then().statusCode(404);
        given().when().get("/q/health/ready").then().statusCode(404);
    }

    @Test
    void servesSwaggerUiOnTheManagementPort() {
        given().when().get(swaggerUi).then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    void publishesOpenApiWithTheActionEndpointsOnTheManagementPort() {
        given().queryParam("format", "json").when().get(openapi)
                .then().statusCode(200)
                .body(containsString("/api/v1/actions/{id}/cancel"))
                .body(containsString("Idempotency-Key"))
                .body(containsString("INV-2026-117"))
                // the agent's view of reviewers' decisions, with its example (docs/api.md)
                .body(containsString("ReviewerDecision")).body(containsString("Use the new IBAN"));
    }
}
