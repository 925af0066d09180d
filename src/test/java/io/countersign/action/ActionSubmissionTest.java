package io.countersign.action;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.common.json.Jcs;
import io.countersign.common.json.JsonSupport;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Submission: fast-path decisions, scope, validation per type, body limits and content types. */
@QuarkusTest
class ActionSubmissionTest {

    @Inject
    TestAgents agents;

    String agent;

    @BeforeEach
    void registerAgent() {
        agent = agents.register();
    }

    ValidatableResponse submit(String token, String body) {
        return given().auth().oauth2(token).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(body)
                .when().post("/api/v1/actions")
                .then();
    }

    @Test
    void autoApprovesNonProductionActionsAndStoresTheCanonicalDigest() throws Exception {
        String body = Payloads.payment("100.00", "sandbox");
        String expectedDigest = Jcs.sha256Hex(JsonSupport.MAPPER.readTree(body).get("payload"));
        submit(Tokens.agent(agent), body)
                .statusCode(201)
                .header("Location", matchesPattern(".*/api/v1/actions/[0-9a-f-]{36}"))
                .body("status", equalTo("APPROVED"))
                .body("agentId", equalTo(agent))
                .body("payloadSha256", equalTo(expectedDigest))
                .body("payload.amount", equalTo("100.00"))
                .body("policy.rule", notNullValue())
                .body("policy.version", notNullValue())
                .body("decidedAt", notNullValue());
    }

    @Test
    void routesProductionSchemaChangeToReview() {
        submit(Tokens.agent(agent), Payloads.schemaChange("production", "ALTER TABLE orders ADD COLUMN note TEXT"))
                .statusCode(201)
                .body("status", equalTo("PENDING_REVIEW"))
                .body("review.groups", hasItem(notNullValue()))
                .body("review.approvals", notNullValue());
    }

    @Test
    void deniesActionTypesOutsideTheAgentsScope() {
        String narrow = agents.register(List.of("code.push"), 100, 10);
        submit(Tokens.agent(narrow), Payloads.payment("5.00", "sandbox"))
                .statusCode(201)
                .body("status", equalTo("DENIED"))
                .body("policy.rule", equalTo("scope"))
                .body("statusReason", containsString("payment.transfer"));
    }

    @Test
    void deniesEnvironmentsOutsideTheAgentsScope() {
        submit(Tokens.agent(agent), Payloads.submission("ops.restart", "svc:web", "moon", "{}"))
                .statusCode(201)
                .body("status", equalTo("DENIED"))
                .body("statusReason", containsString("environment 'moon'"));
    }

    @Test
    void refusesUnregisteredAndDisabledAgents() {
        submit(Tokens.agent("nobody-registered-this"), Payloads.payment("1.00", "sandbox"))
                .statusCode(403).contentType("application/problem+json");
        String disabled = agents.register();
        agents.disable(disabled);
        submit(Tokens.agent(disabled), Payloads.payment("1.00", "sandbox"))
                .statusCode(403).body("type", containsString("agent-not-registered"));
    }

    @Test
    void namesEveryInvalidTopLevelField() {
        submit(Tokens.agent(agent), "{\"type\":\"Bad Type\",\"target\":\"\",\"environment\":\"PROD!\",\"extra\":1,"
                + "\"payload\":{}}")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("type", "target", "environment", "summary", "justification", "extra"));
    }

    @Test
    void validatesPaymentPayloads() {
        submit(Tokens.agent(agent), Payloads.submission("payment.transfer", "acct:x", "sandbox",
                "{\"amount\":12.5,\"currency\":\"EURO\",\"beneficiary\":{\"name\":\"\",\"iban\":\"de89 3704\"},\"memo\":\"x\"}"))
                .statusCode(400)
                .body("errors.field", hasItems("payload.amount", "payload.currency", "payload.beneficiary.name",
                        "payload.beneficiary.iban", "payload.reference", "payload.memo"));
        for (String amount : new String[] { "-1.00", "0", "0.00", "1e5", "NaN", "1.00001", "1234567890123456" }) {
            submit(Tokens.agent(agent), Payloads.payment(amount, "sandbox"))
                    .statusCode(400).body("errors.field", hasItem("payload.amount"));
        }
    }

    @Test
    void validatesSchemaChangePayloads() {
        submit(Tokens.agent(agent), Payloads.submission("db.schema.change", "db://x", "staging",
                "{\"database\":\"\",\"statements\":[]}"))
                .statusCode(400)
                .body("errors.field", hasItems("payload.database", "payload.statements"));
        submit(Tokens.agent(agent), Payloads.submission("db.schema.change", "db://x", "staging",
                "{\"database\":\"orders\",\"statements\":[\"ALTER TABLE t ADD c INT\", 42, \" \"]}"))
                .statusCode(400)
                .body("errors.field", hasItems("payload.statements[1]", "payload.statements[2]"));
    }

    @Test
    void validatesCodePushPayloads() {
        submit(Tokens.agent(agent), Payloads.submission("code.push", "github.com/acme/api", "staging",
                "{\"repository\":\"github.com/acme/api\",\"branch\":\"feat..x\",\"commitSha\":\"ABC\","
                        + "\"diffStat\":{\"filesChanged\":-1,\"insertions\":\"3\"},\"patch\":7}"))
                .statusCode(400)
                .body("errors.field", hasItems("payload.branch", "payload.commitSha", "payload.diffStat.filesChanged",
                        "payload.diffStat.insertions", "payload.diffStat.deletions", "payload.patch"));
        submit(Tokens.agent(agent), Payloads.codePush("feature/x", "staging")).statusCode(201);
    }

    @Test
    void genericTypesOnlyNeedAnObjectPayload() {
        submit(Tokens.agent(agent), Payloads.submission("ops.restart", "svc:web", "staging", "{\"anything\":[1,2]}"))
                .statusCode(201);
        submit(Tokens.agent(agent), Payloads.submission("ops.restart", "svc:web", "staging", "[1,2]"))
                .statusCode(400).body("errors.field", hasItem("payload"));
    }

    @Test
    void refusesMalformedJsonDuplicateKeysAndNonObjects() {
        submit(Tokens.agent(agent), "{\"type\":").statusCode(400).body("type", containsString("malformed-json"));
        submit(Tokens.agent(agent), "{\"type\":\"a.b\",\"type\":\"c.d\"}").statusCode(400)
                .body("type", containsString("malformed-json"));
        submit(Tokens.agent(agent), "[]").statusCode(400);
        submit(Tokens.agent(agent), "[".repeat(200) + "]".repeat(200)).statusCode(400);
    }

    @Test
    void refusesBodiesOverTheLimitWith413() {
        String big = "x".repeat(300 * 1024);
        submit(Tokens.agent(agent), Payloads.submission("ops.restart", "svc:web", "staging", "{\"blob\":\"" + big + "\"}"))
                .statusCode(413).contentType("application/problem+json");
    }

    @Test
    void refusesOtherContentTypesWith415() {
        given().auth().oauth2(Tokens.agent(agent)).contentType("text/plain")
                .header("Idempotency-Key", "k-415").body(Payloads.payment("1.00", "sandbox"))
                .when().post("/api/v1/actions")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void requiresAnIdempotencyKey() {
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .body(Payloads.payment("1.00", "sandbox"))
                .when().post("/api/v1/actions")
                .then().statusCode(400).body("errors.field", hasItem("Idempotency-Key"));
    }

    @Test
    void saysWhatIsWrongWithAnIdempotencyKeyThatWasSent() {
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").header("Idempotency-Key", "a b")
                .body(Payloads.payment("1.00", "sandbox"))
                .when().post("/api/v1/actions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("Idempotency-Key"))
                .body("errors[0].message", not(containsString("required")))
                .body("errors[0].message", containsString("U+0020 SPACE at character 2"))
                .body("errors[0].message", containsString("1 to 255 visible ASCII characters"));
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").header("Idempotency-Key", "k".repeat(256))
                .body(Payloads.payment("1.00", "sandbox"))
                .when().post("/api/v1/actions")
                .then().statusCode(400).body("errors[0].message", containsString("256 characters long"));
    }

    @Test
    void digestDependsOnValuesNotOnKeyOrderOrWhitespace() {
        String a = submit(Tokens.agent(agent), Payloads.submission("ops.restart", "svc:web", "staging",
                "{\"a\":1,\"b\":{\"c\":\"x\",\"d\":2.0}}")).statusCode(201).extract().path("payloadSha256");
        String b = submit(Tokens.agent(agent), Payloads.submission("ops.restart", "svc:web", "staging",
                "{ \"b\" : {\"d\":2, \"c\":\"x\"},\n \"a\":1 }")).statusCode(201).extract().path("payloadSha256");
        String c = submit(Tokens.agent(agent), Payloads.submission("ops.restart", "svc:web", "staging",
                "{\"a\":1,\"b\":{\"c\":\"y\",\"d\":2}}")).statusCode(201).extract().path("payloadSha256");
        assertEquals(a, b);
        org.junit.jupiter.api.Assertions.assertNotEquals(a, c);
    }
}
