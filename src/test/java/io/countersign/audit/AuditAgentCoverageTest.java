package io.countersign.audit;

import static io.countersign.review.ReviewFixture.reviewer;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.countersign.common.json.JsonSupport;
import io.countersign.review.Decision;
import io.countersign.review.ReviewFixture;
import io.countersign.review.ReviewQueries;
import io.countersign.review.ReviewService;
import io.countersign.review.Views.Reviewer;
import io.countersign.review.Views.TaskSummary;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every event about a request names the request's agent, so an export filtered by agent holds
 * the reviewers' decisions and the redemption too (not only what the agent did itself).
 */
@QuarkusTest
class AuditAgentCoverageTest {

    @Inject
    TestAgents agents;
    @Inject
    ReviewFixture fixture;
    @Inject
    ReviewService reviews;

    @Inject
    ReviewQueries queries;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void agentExportHoldsTheDecisionsAndTheRedemptionOfItsRequests() throws Exception {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "ALTER TABLE orders ADD COLUMN note TEXT"));
        Reviewer dora = reviewer("dora-" + UUID.randomUUID(), "dba");
        TaskSummary task = fixture.awaitTask(dora, id);
        reviews.recordDecision(dora, id, task.taskKey(), Decision.APPROVE, "fine", queries.detail(dora, id).action().payloadSha256());
        fixture.awaitStatus(agent, id, "APPROVED");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(Tokens.agent(agent))
                .when().get("/api/v1/actions/" + id).then().statusCode(200).extract().path("release.token") != null);
        String token = given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id).path("release.token");
        String jti = given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id).path("release.jti");
        given().auth().oauth2(Tokens.token("db-migrator", "executor")).contentType("application/json")
                .body("{\"token\":\"" + token + "\"}")
                .when().post("/api/v1/releases/" + jti + "/redeem").then().statusCode(200);

        Map<String, String> agentByType = new LinkedHashMap<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            agentByType.clear();
            return eventsOf(id, agentByType) && agentByType.containsKey("release.redeemed");
        });
        assertTrue(agentByType.keySet().containsAll(List.of("action.submitted", "review.decided", "action.approved",
                "release.issued", "release.redeemed")), agentByType.toString());
        agentByType.forEach((type, a) -> assertEquals(agent, a, type + " does not name the request's agent"));

        String export = given().auth().oauth2(Tokens.auditor()).queryParam("agent", agent)
                .when().get("/api/v1/audit/export")
                .then().statusCode(200).extract().asString();
        List<String> exported = new ArrayList<>();
        for (String line : export.lines().toList()) {
            JsonNode n = JsonSupport.MAPPER.readTree(line);
            if ("event".equals(n.path("kind").asText())) {
                exported.add(n.path("type").asText());
                assertEquals(agent, n.path("agentId").asText(), line);
            }
        }
        assertTrue(exported.containsAll(List.of("action.submitted", "review.decided", "action.approved", "release.issued",
                "release.redeemed")), exported.toString());
    }

    /** Fills type -> agent_id of the request's events; true when all of them are sequenced. */
    private boolean eventsOf(UUID requestId, Map<String, String> agentByType) throws Exception {
        boolean allSequenced = true;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT event_type, agent_id, seq FROM audit_event WHERE request_id = ?")) {
            ps.setObject(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    agentByType.put(rs.getString(1), rs.getString(2));
                    rs.getLong(3);
                    allSequenced &= !rs.wasNull();
                }
            }
        }
        return allSequenced;
    }
}
