package io.countersign.release;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.countersign.action.ActionService;
import io.countersign.common.Actor;
import io.countersign.release.verify.JwksSource;
import io.countersign.release.verify.ReleaseVerification;
import io.countersign.release.verify.ReleaseVerifier;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Approved requests hand the owning agent a release bound to the payload; executors redeem it once. */
@QuarkusTest
class ActionReleaseFlowTest {

    @Inject
    TestAgents agents;

    @Inject
    ActionService actions;

    @Inject
    DataSource dataSource;

    Response submit(String agent, String body) {
        return given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(body)
                .when().post("/api/v1/actions");
    }

    @Test
    void autoApprovedRequestCarriesAVerifiableSingleUseRelease() throws Exception {
        String agent = agents.register();
        String body = Payloads.payment("10.00", "sandbox");
        Response created = submit(agent, body);
        String id = created.path("id");
        Response read = given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id);
        read.then().statusCode(200).body("release.token", notNullValue()).body("release.audience", equalTo("payment-service"));
        String token = read.path("release.token");
        String jti = read.path("release.jti");

        String jwks = given().when().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        byte[] payload = io.countersign.common.json.JsonSupport.MAPPER.readTree(body).get("payload").toString()
                .getBytes(StandardCharsets.UTF_8);
        ReleaseVerification v = ReleaseVerifier.verify(token, payload, "payment-service", JwksSource.ofJson(jwks));
        assertNull(v.failure(), v.message());
        assertEquals(agent, v.claims().agentId());
        assertEquals(seqOf(id, "action.submitted"), v.claims().auditSeq());

        // Reading again hands out the same token.
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id)
                .then().body("release.jti", equalTo(jti));

        given().auth().oauth2(Tokens.token("payments-executor", "executor")).contentType("application/json")
                .body("{\"token\":\"" + token + "\"}")
                .when().post("/api/v1/releases/" + jti + "/redeem").then().statusCode(200);
        given().auth().oauth2(Tokens.token("payments-executor", "executor")).contentType("application/json")
                .body("{\"token\":\"" + token + "\"}")
                .when().post("/api/v1/releases/" + jti + "/redeem").then().statusCode(409);
        given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/requests/" + id)
                .then().statusCode(200)
                .body("events.type", org.hamcrest.Matchers.hasItems("action.submitted", "release.issued", "release.redeemed"));
    }

    @Test
    void anAutoApprovedSubmissionCarriesItsReleaseInThe201AndInItsReplay() throws Exception {
        String agent = agents.register();
        String key = UUID.randomUUID().toString();
        String body = Payloads.payment("10.00", "sandbox");
        Response created = given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", key).body(body).when().post("/api/v1/actions");
        created.then().statusCode(201).body("status", equalTo("APPROVED"))
                .body("release.token", notNullValue()).body("release.audience", equalTo("payment-service"));
        String id = created.path("id");
        String jti = created.path("release.jti");
        String token = created.path("release.token");

        // the token is the one a read hands out, and it verifies against the submitted payload
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id)
                .then().body("release.jti", equalTo(jti));
        String jwks = given().when().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        byte[] payload = io.countersign.common.json.JsonSupport.MAPPER.readTree(body).get("payload").toString()
                .getBytes(StandardCharsets.UTF_8);
        ReleaseVerification v = ReleaseVerifier.verify(token, payload, "payment-service", JwksSource.ofJson(jwks));
        assertNull(v.failure(), v.message());
        assertEquals(seqOf(id, "action.submitted"), v.claims().auditSeq());

        Response replayed = given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", key).body(body).when().post("/api/v1/actions");
        replayed.then().statusCode(201).header("Idempotent-Replayed", "true").body("release.jti", equalTo(jti));
        assertEquals(created.asString(), replayed.asString());
    }

    @Test
    void aPolicyApprovalNamesThePolicyRuleAsItsApprover() throws Exception {
        String agent = agents.register();
        Response created = submit(agent, Payloads.payment("10.00", "sandbox"));
        created.then().statusCode(201).body("policy.rule", equalTo("non-production-auto-approve"))
                .body("approvers", equalTo(List.of("policy:non-production-auto-approve")));
        String token = given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + created.path("id"))
                .then().body("approvers", equalTo(List.of("policy:non-production-auto-approve")))
                .extract().path("release.token");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertTrue(
                claims.contains("\"approvers\":[\"policy:non-production-auto-approve\"]"), claims);
    }

    @Test
    void pendingAndDeniedSubmissionsHaveNoReleaseInTheir201() {
        String agent = agents.register();
        submit(agent, Payloads.schemaChange("production", "ALTER TABLE t ADD c INT"))
                .then().statusCode(201).body("status", equalTo("PENDING_REVIEW")).body("release", nullValue())
                .body("approvers", nullValue());
        submit(agent, Payloads.schemaChange("production", "DROP DATABASE orders"))
                .then().statusCode(201).body("status", equalTo("DENIED")).body("release", nullValue())
                .body("approvers", nullValue());
    }

    @Test
    void pendingAndDeniedRequestsHaveNoRelease() {
        String agent = agents.register();
        String pending = submit(agent, Payloads.schemaChange("production", "ALTER TABLE t ADD c INT")).path("id");
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + pending)
                .then().body("status", equalTo("PENDING_REVIEW")).body("release", nullValue());
        String denied = submit(agent, Payloads.schemaChange("production", "DROP DATABASE orders")).path("id");
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + denied)
                .then().body("status", equalTo("DENIED")).body("release", nullValue());
    }

    @Test
    void reviewedApprovalNamesItsApproversAndSequence() throws Exception {
        String agent = agents.register();
        String id = submit(agent, Payloads.schemaChange("production", "ALTER TABLE t ADD c INT")).path("id");
        actions.approve(UUID.fromString(id), List.of("dora"), "looks safe", Actor.user("dora"));
        String token = given().auth().oauth2(Tokens.agent(agent)).queryParam("wait", "5s")
                .when().get("/api/v1/actions/" + id)
                .then().statusCode(200).body("status", equalTo("APPROVED")).body("approvers", equalTo(List.of("dora")))
                .extract().path("release.token");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertTrue(claims.contains("\"approvers\":[\"dora\"]"), claims);
        org.junit.jupiter.api.Assertions.assertTrue(claims.contains("\"audit_seq\":" + seqOf(id, "action.approved")), claims);
    }

    @Test
    void anotherAgentCannotSeeTheRelease() {
        String agent = agents.register();
        String id = submit(agent, Payloads.payment("10.00", "sandbox")).path("id");
        given().auth().oauth2(Tokens.agent(agents.register())).when().get("/api/v1/actions/" + id).then().statusCode(404);
    }

    private Long seqOf(String requestId, String type) throws Exception {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> rawSeq(requestId, type) != null);
        return rawSeq(requestId, type);
    }

    private Long rawSeq(String requestId, String type) throws Exception {
        try (var c = dataSource.getConnection();
                var ps = c.prepareStatement("SELECT seq FROM audit_event WHERE request_id = ? AND event_type = ?")) {
            ps.setObject(1, UUID.fromString(requestId));
            ps.setString(2, type);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long s = rs.getLong(1);
                return rs.wasNull() ? null : s;
            }
        }
    }
}
