package io.countersign.faults;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.countersign.audit.ActorKind;
import io.countersign.audit.AuditSequencer;
import io.countersign.audit.AuditTrail;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Regression tests for what the fuzzer found; each names the input that used to do harm. */
@QuarkusTest
class FuzzFindingsRegressionTest {

    @Inject
    AuditTrail trail;

    @Inject
    AuditSequencer sequencer;

    @Inject
    TestAgents agents;

    /** Subjects a correctly signed token may carry that no audit record can hold verbatim. */
    @ParameterizedTest
    @ValueSource(strings = { "\ud800", "agent\udfffx", "bell\u0007", "line\nbreak", "" })
    void refusesTokensWhoseSubjectCannotBeAnAuditActorAndTheChainKeepsMoving(String subject) throws Exception {
        JwtForge jwt = JwtForge.fromDirectory(Path.of("src/test/resources/keys"));
        for (String[] call : List.of(new String[] { "agent", "/api/v1/actions" }, new String[] { "admin", "/api/v1/admin/agents" })) {
            given().auth().oauth2(jwt.valid(subject, call[0]))
                    .when().get(call[1])
                    .then().statusCode(401)
                    .contentType("application/problem+json");
        }
        // Before the fix an unregistered agent with such a subject wrote an "agent.refused" event the
        // sequencer could not canonicalise, and every later batch failed: the chain stopped.
        assertDoesNotThrow(() -> sequencer.sequenceBatch());
    }

    @Test
    void refusesAnOverlongSubject() throws Exception {
        JwtForge jwt = JwtForge.fromDirectory(Path.of("src/test/resources/keys"));
        given().auth().oauth2(jwt.valid("a".repeat(256), "agent"))
                .when().get("/api/v1/actions")
                .then().statusCode(401)
                .contentType("application/problem+json");
        given().auth().oauth2(jwt.valid("a".repeat(255), "agent"))
                .when().get("/api/v1/actions")
                .then().statusCode(403)
                .body("type", equalTo("https://countersign.dev/problems/agent-not-registered"));
    }

    @Test
    void auditTrailRefusesAnActorIdItCouldNotChain() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> QuarkusTransaction.requiringNew().run(() -> trail.record(
                ActorKind.USER, "x\ud800", UUID.randomUUID(), "test.event", Map.of())));
        assertDoesNotThrow(() -> sequencer.sequenceBatch());
    }

    @Test
    void deepNestingIsRefusedWithoutNamingParserInternals() {
        String agent = agents.register();
        String deep = "[".repeat(65) + "]".repeat(65);
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Payloads.payment("10.00", "sandbox").replace("\"INV-1\"", deep))
                .when().post("/api/v1/actions")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://countersign.dev/problems/malformed-json"))
                .body("detail", containsString("deeper than 64"))
                .body("detail", not(containsString("StreamReadConstraints")))
                .body("detail", not(containsString("`")));
    }

    @Test
    void truncatedJsonIsRefusedWithoutParserSourceReferences() {
        String agent = agents.register();
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body("[[[")
                .when().post("/api/v1/actions")
                .then().statusCode(400)
                .body("type", equalTo("https://countersign.dev/problems/malformed-json"))
                .body("detail", not(containsString("[Source")))
                .body("detail", not(containsString("StreamReadFeature")))
                .body("detail", not(containsString("`")));
    }

    @Test
    void duplicateKeyInsideAnAdminRecordIs400NotAnEmpty500() {
        // Was: Jackson InvalidDefinitionException ("No fallback setter/field for creator property") -> empty 500.
        given().auth().oauth2(Tokens.admin()).contentType("application/json")
                .body("{\"id\":\"dup-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"displayName\":\"d\","
                        + "\"ownerUserId\":\"o\",\"allowedTypes\":[\"payment.transfer\"],\"allowedTargets\":[\"**\"],"
                        + "\"allowedEnvironments\":[\"sandbox\"],\"quotas\":{\"requestsPerMinute\":5,\"requestsPerMinute\":6}}")
                .when().post("/api/v1/admin/agents")
                .then().statusCode(400)
                .contentType("application/problem+json");
    }

    /** Values PostgreSQL refuses (NUL, timestamps beyond its range); H2 may accept them, so: never 5xx. */
    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/actions?type=%00", "/api/v1/actions?from=-999999999-01-01T00:00:00Z",
        "/api/v1/actions?to=%2B999999999-12-31T23:59:59Z" })
    void valuesTheDatabaseCannotHoldAreNeverServerErrors(String url) {
        String agent = agents.register();
        int status = given().auth().oauth2(Tokens.agent(agent)).urlEncodingEnabled(false)
                .when().get(url)
                .then().extract().statusCode();
        org.junit.jupiter.api.Assertions.assertTrue(status < 500, url + " answered " + status);
    }

    @Test
    void auditExportWithAnInstantBeyondTheDatabaseRangeIsNoServerError() {
        int status = given().auth().oauth2(Tokens.auditor()).urlEncodingEnabled(false)
                .when().get("/api/v1/audit/export?from=%2B999999999-12-31T23:59:59Z")
                .then().extract().statusCode();
        org.junit.jupiter.api.Assertions.assertTrue(status < 500, "export answered " + status);
    }

    @Test
    void nulInAnAgentIdIsNoServerError() {
        int status = given().auth().oauth2(Tokens.admin()).urlEncodingEnabled(false)
                .when().get("/api/v1/admin/agents/a%00b")
                .then().extract().statusCode();
        org.junit.jupiter.api.Assertions.assertTrue(status < 500, "answered " + status);
    }

    /** Free text that reaches an audit event: an unpaired surrogate used to fail the audit write (500). */
    @Test
    void unpairedSurrogatesInFreeTextAre400NotAFailedAuditWrite() {
        String agent = agents.register();
        given().auth().oauth2(Tokens.admin()).contentType("application/json")
                .body("{\"displayName\":\"\\udfff\\ud800\",\"ownerUserId\":\"o\",\"allowedTypes\":[\"payment.transfer\"],"
                        + "\"allowedTargets\":[\"**\"],\"allowedEnvironments\":[\"sandbox\"]}")
                .when().put("/api/v1/admin/agents/" + agent)
                .then().statusCode(400)
                .body("errors[0].field", equalTo("displayName"));
        String id = given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(Payloads.payment("25000.00", "production"))
                .when().post("/api/v1/actions").then().statusCode(201).extract().path("id");
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{\"reason\":\"x\\ud800\"}")
                .when().post("/api/v1/actions/" + id + "/cancel")
                .then().statusCode(400)
                .body("errors[0].field", equalTo("reason"));
    }

    /** Found by the inbox/auditor form fuzzing: a malformed percent-escape in a form body answered 500. */
    @ParameterizedTest
    @ValueSource(strings = { "/inbox/sign-in", "/inbox/sign-out", "/audit/verify", "/audit/sign-out" })
    void malformedPercentEscapesInAFormAreABadRequest(String path) {
        String csrf = "c".repeat(43);
        for (String body : List.of("_csrf=%", "_csrf=%ZZ", "_csrf=%u0041&token=x", "_csrf=" + csrf + "&token=%2")) {
            given().cookie("countersign_csrf", csrf)
                    .cookie("countersign_session", Tokens.token("fuzz-auditor", "reviewer", "auditor", "dba"))
                    .contentType("application/x-www-form-urlencoded").body(body)
                    .when().post(path)
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://countersign.dev/problems/malformed-form"))
                    .body("detail", not(containsString("Exception")))
                    .body("detail", not(containsString("incident")));
        }
    }
}
