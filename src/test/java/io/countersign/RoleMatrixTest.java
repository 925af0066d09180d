package io.countersign;

import static io.restassured.RestAssured.given;

import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint against every caller: anonymous, the owning agent, another agent, reviewer,
 * auditor and admin, with the expected status. Error responses are always problem+json.
 */
@QuarkusTest
class RoleMatrixTest {

    @Inject
    TestAgents agents;

    String agent;
    String otherAgent;
    String approvedId;
    Map<String, String> tokens;

    @BeforeEach
    void setUp() {
        agent = agents.register();
        otherAgent = agents.register();
        approvedId = given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(Payloads.payment("1.00", "sandbox"))
                .when().post("/api/v1/actions").then().statusCode(201).extract().path("id");
        tokens = new LinkedHashMap<>();
        tokens.put("anonymous", null);
        tokens.put("agent", Tokens.agent(agent));
        tokens.put("otherAgent", Tokens.agent(otherAgent));
        tokens.put("reviewer", Tokens.reviewer("rita", "dba"));
        tokens.put("auditor", Tokens.auditor());
        tokens.put("admin", Tokens.admin());
    }

    /** Expected status per caller, in the order of {@link #tokens}. */
    private void check(String method, String path, String body, int... expected) {
        int i = 0;
        for (Map.Entry<String, String> caller : tokens.entrySet()) {
            RequestSpecification req = given();
            if (caller.getValue() != null) {
                req = req.auth().oauth2(caller.getValue());
            }
            if (body != null) {
                req = req.contentType("application/json").header("Idempotency-Key", UUID.randomUUID().toString()).body(body);
            }
            var res = req.when().request(method, path);
            int want = expected[i++];
            if (res.statusCode() != want) {
                throw new AssertionError(method + " " + path + " as " + caller.getKey() + ": expected " + want
                        + " but was " + res.statusCode() + " " + res.asString());
            }
            if (want >= 400 && !res.contentType().startsWith("application/problem+json")) {
                throw new AssertionError(method + " " + path + " as " + caller.getKey() + ": not problem+json");
            }
        }
    }

    @Test
    void actionEndpoints() {
        //                                                     anon agent other reviewer auditor admin
        check("POST", "/api/v1/actions", Payloads.payment("2.00", "sandbox"), 401, 201, 201, 403, 403, 403);
        check("GET", "/api/v1/actions", null, 401, 200, 200, 403, 403, 403);
        check("GET", "/api/v1/actions/" + approvedId, null, 401, 200, 404, 403, 403, 403);
        check("POST", "/api/v1/actions/" + approvedId + "/cancel", "{}", 401, 409, 404, 403, 403, 403);
        check("POST", "/api/v1/actions/" + approvedId + "/outcome", "{\"outcome\":\"EXECUTED\"}",
                401, 200, 404, 403, 403, 403);
    }

    @Test
    void agentRegistryEndpoints() {
        String newAgent = "{\"id\":\"rm-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"displayName\":\"x\","
                + "\"ownerUserId\":\"o\",\"allowedTypes\":[\"code.push\"],\"allowedTargets\":[\"**\"],"
                + "\"allowedEnvironments\":[\"staging\"]}";
        check("GET", "/api/v1/admin/agents", null, 401, 403, 403, 403, 403, 200);
        check("GET", "/api/v1/admin/agents/" + agent, null, 401, 403, 403, 403, 403, 200);
        check("POST", "/api/v1/admin/agents", newAgent, 401, 403, 403, 403, 403, 201);
        check("PUT", "/api/v1/admin/agents/" + otherAgent, "{\"displayName\":\"x\",\"ownerUserId\":\"o\","
                + "\"allowedTypes\":[\"code.push\"],\"allowedTargets\":[\"**\"],\"allowedEnvironments\":[\"staging\"]}",
                401, 403, 403, 403, 403, 200);
    }

    @Test
    void apiDocumentationIsOnlyOnTheManagementPort() {
        // Production settings: /q/openapi and Swagger UI live on the management interface (OperationsTest).
        check("GET", "/q/openapi", null, 404, 404, 404, 404, 404, 404);
    }

    @Test
    void unsupportedMethodsAndUnknownPathsAreProblems() {
        // Agents are disabled, never deleted; routing answers before authentication.
        check("DELETE", "/api/v1/admin/agents/" + agent, null, 405, 405, 405, 405, 405, 405);
        check("GET", "/api/v1/nothing-here", null, 404, 404, 404, 404, 404, 404);
    }
}
