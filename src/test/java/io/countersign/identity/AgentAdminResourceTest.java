package io.countersign.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Agent registry admin API: validation, conflicts, replace/disable, and its effect on agents. */
@QuarkusTest
class AgentAdminResourceTest {

    static String body(String id, String extra) {
        return "{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"displayName\":\"Billing bot\",\"ownerUserId\":\"bob\","
                + "\"allowedTypes\":[\"payment.transfer\"],\"allowedTargets\":[\"acct:**\"],"
                + "\"allowedEnvironments\":[\"sandbox\"],\"quotas\":{\"requestsPerMinute\":10,\"maxPendingReviews\":2}"
                + extra + "}";
    }

    static String newId() {
        return "bot-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void registersAnAgentAndTheAgentCanSubmitWithinItsScope() {
        String id = newId();
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body(id, ""))
                .when().post("/api/v1/admin/agents")
                .then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/admin/agents/" + id))
                .body("id", equalTo(id)).body("enabled", equalTo(true)).body("quotas.requestsPerMinute", equalTo(10));
        given().auth().oauth2(Tokens.admin()).when().get("/api/v1/admin/agents")
                .then().statusCode(200).body("id", hasItem(id));
        given().auth().oauth2(Tokens.agent(id)).contentType("application/json").header("Idempotency-Key", "k1")
                .body(Payloads.payment("5.00", "sandbox"))
                .when().post("/api/v1/actions")
                .then().statusCode(201).body("status", equalTo("APPROVED"));
    }

    @Test
    void refusesDuplicateIds() {
        String id = newId();
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body(id, ""))
                .when().post("/api/v1/admin/agents").then().statusCode(201);
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body(id, ""))
                .when().post("/api/v1/admin/agents").then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void namesEveryInvalidField() {
        given().auth().oauth2(Tokens.admin()).contentType("application/json")
                .body("{\"id\":\"Bad Id!\",\"displayName\":\"\",\"allowedTypes\":[],\"allowedTargets\":[\"\"],"
                        + "\"allowedEnvironments\":[\"PROD\"],\"quotas\":{\"requestsPerMinute\":0}}")
                .when().post("/api/v1/admin/agents")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItems("id", "displayName", "ownerUserId", "allowedTypes", "allowedTargets[0]",
                        "allowedEnvironments[0]", "quotas.requestsPerMinute"));
    }

    @Test
    void refusesUnknownFieldsAndWrongTypes() {
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body(newId(), ",\"superuser\":true"))
                .when().post("/api/v1/admin/agents")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("superuser"));
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body("{\"allowedTypes\":\"payment.transfer\"}")
                .when().post("/api/v1/admin/agents")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void disablingAnAgentLocksItOutAtOnce() {
        String id = newId();
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body(id, ""))
                .when().post("/api/v1/admin/agents").then().statusCode(201);
        // The agent has been served (and its registry entry cached) before it is disabled.
        given().auth().oauth2(Tokens.agent(id)).when().get("/api/v1/actions").then().statusCode(200);
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body(null, ",\"enabled\":false"))
                .when().put("/api/v1/admin/agents/" + id)
                .then().statusCode(200).body("enabled", equalTo(false));
        given().auth().oauth2(Tokens.agent(id)).when().get("/api/v1/actions").then().statusCode(403);
        given().auth().oauth2(Tokens.agent(id)).contentType("application/json").header("Idempotency-Key", "after-disable")
                .body(Payloads.payment("5.00", "sandbox"))
                .when().post("/api/v1/actions").then().statusCode(403);
    }

    @Test
    void narrowingAnAgentsScopeTakesEffectAtOnce() {
        String id = newId();
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body(id, ""))
                .when().post("/api/v1/admin/agents").then().statusCode(201);
        given().auth().oauth2(Tokens.agent(id)).contentType("application/json").header("Idempotency-Key", "before")
                .body(Payloads.payment("5.00", "sandbox"))
                .when().post("/api/v1/actions").then().statusCode(201).body("status", equalTo("APPROVED"));
        given().auth().oauth2(Tokens.admin()).contentType("application/json")
                .body(body(null, "").replace("\"allowedTypes\":[\"payment.transfer\"]", "\"allowedTypes\":[\"code.push\"]"))
                .when().put("/api/v1/admin/agents/" + id).then().statusCode(200);
        given().auth().oauth2(Tokens.agent(id)).contentType("application/json").header("Idempotency-Key", "after")
                .body(Payloads.payment("5.00", "sandbox"))
                .when().post("/api/v1/actions").then().statusCode(201).body("status", equalTo("DENIED"))
                .body("policy.rule", equalTo("scope"));
    }

    @Test
    void replaceRefusesUnknownAgentsAndMismatchedIds() {
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body(null, ""))
                .when().put("/api/v1/admin/agents/" + newId())
                .then().statusCode(404).contentType("application/problem+json");
        String id = newId();
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body(id, ""))
                .when().post("/api/v1/admin/agents").then().statusCode(201);
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body("other-id", ""))
                .when().put("/api/v1/admin/agents/" + id)
                .then().statusCode(400).body("errors[0].field", equalTo("id"));
        given().auth().oauth2(Tokens.admin()).when().get("/api/v1/admin/agents/" + newId())
                .then().statusCode(404);
    }
}
