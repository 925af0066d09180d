package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A row inserted straight into the database with the next sequence number (seq = head + 1)
 * must not wedge the sequencer: releases keep being issued, and verify and the readiness
 * check name the forged sequence number.
 */
@QuarkusTest
class AuditForgedRowTest {

    @Inject
    AuditVerifier verifier;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    TestAgents agents;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readiness;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void forgedRowJustPastTheHeadIsReportedWhileSequencingGoesOn() throws Exception {
        long forgedId;
        long forgedSeq;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            String headHash;
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                forgedSeq = rs.getLong(1) + 1;
                headHash = rs.getString(2);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (seq, occurred_at, actor_kind, actor_id, "
                    + "agent_id, request_id, event_type, data, prev_hash, hash, sequenced_at) VALUES (?, ?, 'USER', 'mallory', NULL, "
                    + "NULL, 'action.approved', '{\"forged\":true}', ?, ?, ?)", new String[] { "id" })) {
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                ps.setLong(1, forgedSeq);
                ps.setObject(2, now);
                ps.setString(3, headHash);
                ps.setString(4, "ab".repeat(32));
                ps.setObject(5, now);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    forgedId = keys.getLong(1);
                }
            }
            c.commit();
        }
        try {
            // Sequencing goes on: an auto-approved request still gets its release.
            String agent = agents.register();
            String id = given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                    .header("Idempotency-Key", UUID.randomUUID().toString()).body(Payloads.payment("10.00", "sandbox"))
                    .when().post("/api/v1/actions")
                    .then().statusCode(201).extract().path("id");
            given().auth().oauth2(Tokens.agent(agent))
                    .when().get("/api/v1/actions/" + id)
                    .then().statusCode(200).body("release.token", notNullValue());

            AuditViews.Verification v = verifier.verify("forged-row-test");
            assertFalse(v.ok(), "the forged row was not reported: " + v.message());
            assertEquals(forgedSeq, v.firstBadSeq(), v.message());
            assertEquals(0, v.pendingEvents(), v.message());
            assertTrue(v.message().contains("not written by the sequencer"), v.message());

            JsonPath health = given().when().get(readiness).then().extract().jsonPath();
            assertEquals("tampered", health.getString("checks.find { it.name == 'audit-trail' }.data.state"), health.prettify());
            assertEquals(1, health.getInt("checks.find { it.name == 'audit-trail' }.data.foreignRows"), health.prettify());
            assertEquals(forgedSeq, health.getLong("checks.find { it.name == 'audit-trail' }.data.firstForeignSeq"),
                    health.prettify());
            String prometheus = given().when().get(metrics).then().statusCode(200).extract().asString();
            assertTrue(prometheus.lines().anyMatch(l -> l.startsWith("countersign_audit_foreign_rows_total") && !l.endsWith(" 0.0")),
                    "the set-aside row is counted");
        } finally {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("DELETE FROM audit_event WHERE id = ?")) {
                ps.setLong(1, forgedId);
                ps.executeUpdate();
            }
        }
        AuditViews.Verification after = verifier.verify("forged-row-test");
        assertTrue(after.ok(), after.message());
        JsonPath health = given().when().get(readiness).then().extract().jsonPath();
        assertEquals("ok", health.getString("checks.find { it.name == 'audit-trail' }.data.state"), health.prettify());
    }
}
