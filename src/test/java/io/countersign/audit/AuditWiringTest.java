package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Every state change, denial, refusal and admin change of the other features lands in the trail. */
@QuarkusTest
class AuditWiringTest {

    @Inject
    TestAgents agents;

    @Inject
    DataSource dataSource;

    String submit(String agent, String body) {
        return given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(body)
                .when().post("/api/v1/actions").then().statusCode(201).extract().path("id");
    }

    @Test
    void submissionAndCancellationAreInTheRequestsTrail() {
        String agent = agents.register();
        String id = submit(agent, Payloads.schemaChange("production", "ALTER TABLE t ADD c INT"));
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{}")
                .when().post("/api/v1/actions/" + id + "/cancel").then().statusCode(200);
        given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/requests/" + id)
                .then().statusCode(200)
                .body("events.type", contains("action.submitted", "action.cancelled"))
                .body("events[0].actorKind", equalTo("AGENT"))
                .body("events[0].actorId", equalTo(agent));
    }

    @Test
    void scopeDenialIsAudited() {
        String agent = agents.register(List.of("code.push"), 100, 10);
        String id = submit(agent, Payloads.payment("1.00", "sandbox"));
        given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/requests/" + id)
                .then().statusCode(200).body("events.type", contains("action.submitted"));
    }

    @Test
    void refusalsAndAdminChangesAreAudited() throws Exception {
        String agent = agents.register(List.of("payment.transfer"), 1, 10);
        submit(agent, Payloads.payment("1.00", "sandbox"));
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", "over").body(Payloads.payment("2.00", "sandbox"))
                .when().post("/api/v1/actions").then().statusCode(429);
        agents.disable(agent);
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions").then().statusCode(403);
        assertEquals(1, count(agent, "quota.refused"));
        assertEquals(1, count(agent, "agent.created"));
        assertEquals(1, count(agent, "agent.updated"));
        assertEquals(1, count(agent, "agent.refused"));
    }

    @Test
    void rolledBackSubmissionsLeaveNoAuditEvent() throws Exception {
        String agent = agents.register(List.of("db.schema.change"), 100, 0);
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", "rb").body(Payloads.schemaChange("production", "ALTER TABLE t ADD c INT"))
                .when().post("/api/v1/actions").then().statusCode(429);
        assertEquals(0, count(agent, "action.submitted"));
        assertEquals(1, count(agent, "quota.refused"));
    }

    private long count(String agent, String type) throws Exception {
        try (var c = dataSource.getConnection();
                var ps = c.prepareStatement("SELECT COUNT(*) FROM audit_event WHERE agent_id = ? AND event_type = ?")) {
            ps.setString(1, agent);
            ps.setString(2, type);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
