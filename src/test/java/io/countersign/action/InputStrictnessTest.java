package io.countersign.action;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.faults.RawHttp;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What docs/api.md promises about content types, control characters in payloads and target spelling. */
@QuarkusTest
class InputStrictnessTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    TestAgents agents;

    String agent;

    @BeforeEach
    void registerAgent() {
        agent = agents.register();
    }

    private RawHttp.Response rawPost(String path, List<String[]> headers, String body) {
        return new RawHttp(base.toString(), 10_000).send("POST", path, headers, body);
    }

    private ValidatableResponse submit(String body) {
        return given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(body)
                .when().post("/api/v1/actions")
                .then();
    }

    @Test
    void refusesASubmissionWithoutContentTypeWith415() {
        RawHttp.Response r = rawPost("/api/v1/actions", List.of(
                new String[] { "Authorization", "Bearer " + Tokens.agent(agent) },
                new String[] { "Idempotency-Key", UUID.randomUUID().toString() }), Payloads.payment("1.00", "sandbox"));
        assertEquals(415, r.status(), r.text());
        assertTrue(r.header("Content-Type").startsWith("application/problem+json"), r.header("Content-Type"));
        assertTrue(r.text().contains("unsupported-media-type"), r.text());
    }

    @Test
    void refusesAnAdminBodyWithoutContentTypeWith415() {
        RawHttp.Response r = rawPost("/api/v1/admin/agents", List.<String[]>of(
                new String[] { "Authorization", "Bearer " + Tokens.admin() }), "{\"id\":\"x\"}");
        assertEquals(415, r.status(), r.text());
        assertTrue(r.text().contains("unsupported-media-type"), r.text());
    }

    @Test
    void aWrongTypeInAnAdminBodySaysWhatTheFieldMustBe() {
        given().auth().oauth2(Tokens.admin()).contentType("application/json")
                .body("{\"id\":\"typed-agent\",\"displayName\":\"x\",\"ownerUserId\":\"o\",\"allowedTypes\":\"code.push\","
                        + "\"allowedTargets\":[\"**\"],\"allowedEnvironments\":[\"staging\"]}")
                .when().post("/api/v1/admin/agents")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("allowedTypes")).body("errors[0].message", equalTo("must be an array"));
        given().auth().oauth2(Tokens.admin()).contentType("application/json")
                .body("{\"id\":\"typed-agent\",\"displayName\":\"x\",\"ownerUserId\":\"o\",\"allowedTypes\":[\"code.push\"],"
                        + "\"allowedTargets\":[\"**\"],\"allowedEnvironments\":[\"staging\"],"
                        + "\"quotas\":{\"requestsPerMinute\":\"many\"}}")
                .when().post("/api/v1/admin/agents")
                .then().statusCode(400)
                .body("errors.field", hasItem("quotas.requestsPerMinute"))
                .body("errors[0].message", equalTo("must be a whole number"));
    }

    @Test
    void refusesANulCharacterInAPayloadStringNamingTheField() {
        String body = Payloads.submission("ops.restart", "svc:web/1", "sandbox",
                "{\"note\":{\"lines\":[\"ok\",\"evil\\u0000hidden\"]}}");
        submit(body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://countersign.dev/problems/invalid-value"))
                .body("errors.field", hasItem("payload.note.lines[1]"))
                .body("detail", containsString("U+0000"));
    }

    @Test
    void refusesOtherInvisibleControlCharactersInPayloadsButKeepsTabsAndNewlines() {
        submit(Payloads.submission("ops.restart", "svc:web/1", "sandbox", "{\"cmd\":\"echo \\u001b[2J\"}"))
                .statusCode(400)
                .body("type", equalTo("https://countersign.dev/problems/invalid-value"))
                .body("errors.field", hasItem("payload.cmd"));
        submit(Payloads.submission("ops.restart", "svc:web/1", "sandbox", "{\"k\\u0000\":\"v\"}"))
                .statusCode(400)
                .body("type", equalTo("https://countersign.dev/problems/invalid-value"));
        submit(Payloads.submission("ops.restart", "svc:web/1", "sandbox", "{\"script\":\"a\\tb\\r\\nc\"}"))
                .statusCode(201);
    }

    @Test
    void refusesTargetsWithDotSegments() {
        for (String target : List.of("acct:treasury/..", "acct:treasury/../payroll", "acct:treasury/./eur",
                "acct:treasury/%2e%2e/payroll", "acct:treasury\\\\..\\\\payroll")) {
            submit(Payloads.submission("ops.restart", target, "sandbox", "{}"))
                    .statusCode(400)
                    .body("errors.field", hasItem("target"));
        }
    }

    @Test
    void refusesTargetsWithConfusableOrNonAsciiCharactersNamingTheCodePoint() {
        submit(Payloads.submission("ops.restart", "acct:treasury/\u2215payroll", "sandbox", "{}"))
                .statusCode(400)
                .body("errors.field", hasItem("target"))
                .body("detail", containsString("U+2215"));
        submit(Payloads.submission("ops.restart", "acct:tr\u0435asury/eur", "sandbox", "{}"))
                .statusCode(400)
                .body("detail", containsString("U+0435"));
    }

    @Test
    void anAgentScopedToATreasuryGlobCannotReachOutOfIt() {
        String scoped = agents.register(List.of("ops.restart"), List.of("acct:treasury/*"), 100, 10);
        given().auth().oauth2(Tokens.agent(scoped)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Payloads.submission("ops.restart", "acct:treasury/eur", "sandbox", "{}"))
                .when().post("/api/v1/actions")
                .then().statusCode(201).body("status", equalTo("APPROVED"));
        given().auth().oauth2(Tokens.agent(scoped)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Payloads.submission("ops.restart", "acct:treasury/..", "sandbox", "{}"))
                .when().post("/api/v1/actions")
                .then().statusCode(400);
    }
}
