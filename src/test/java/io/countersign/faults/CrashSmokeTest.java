package io.countersign.faults;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.action.ActionStatus;
import io.countersign.audit.AuditSequencer;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * In-suite crash smoke at the level of the service: a failure injected inside each write
 * transaction of the action lifecycle (after its rows are written, before commit) must leave
 * nothing behind — no request, idempotency record, audit event or release — and the client's
 * retry must then succeed exactly once. Afterwards the invariants of bench/crash.sh hold: a
 * request still pending review has exactly one open review task and its scheduled timeout
 * timer, and an approval has at most one release and one redemption. A real SIGKILL of the packaged app is bench/crash.sh;
 * a SIGKILL of the engine mid-transaction is EngineCrashSafetyTest.
 */
@QuarkusTest
class CrashSmokeTest {

    @Inject
    TestAgents agents;

    @Inject
    EntityManager em;

    @Inject
    AuditSequencer sequencer;

    private String agent;

    @AfterEach
    void disarm() {
        if (agent != null) {
            FaultInjector.disarm(agent);
        }
    }

    private Response submit(String key, String body) {
        return given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", key).body(body)
                .when().post("/api/v1/actions");
    }

    private long count(String sql, Object param) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql)
                .setParameter(1, param).getSingleResult()).longValue());
    }

    private static void assertCrashAnswer(Response r) {
        r.then().statusCode(500)
                .contentType("application/problem+json")
                .body("type", equalTo("https://countersign.dev/problems/internal"))
                .body("detail", not(containsString("Injected")))
                .body("detail", not(containsString("Exception")));
    }

    /** A pending request has exactly one open review task, and its process its scheduled timeout timer. */
    private void awaitOneOpenTaskAndTimer(UUID requestId) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(1, count("SELECT count(*) FROM inbox_task WHERE request_id = ?1 AND state = 'OPEN'", requestId),
                    "open review tasks of pending request " + requestId);
            assertEquals(1, Math.min(1, count("SELECT count(*) FROM engine_timer t JOIN review_process p "
                    + "ON p.process_instance_key = t.instance_key WHERE p.request_id = ?1", requestId)),
                    "scheduled timers of the review of " + requestId);
        });
    }

    @Test
    void crashInsideSubmissionLeavesNothingAndTheRetryCreatesExactlyOneRequest() throws Exception {
        agent = agents.register();
        String key = UUID.randomUUID().toString();
        FaultInjector.arm(agent, FaultInjector.Step.statusTo(ActionStatus.PENDING_REVIEW));

        assertCrashAnswer(submit(key, Payloads.payment("25000.00", "production")));
        sequencer.sequenceBatch();
        assertEquals(0, count("SELECT count(*) FROM action_request WHERE agent_id = ?1", agent));
        assertEquals(0, count("SELECT count(*) FROM action_idempotency WHERE agent_id = ?1", agent));
        assertEquals(0, count("SELECT count(*) FROM audit_event WHERE agent_id = ?1 AND event_type = 'action.submitted'", agent));

        FaultInjector.disarm(agent);
        String id = submit(key, Payloads.payment("25000.00", "production")).then().statusCode(201)
                .body("status", equalTo("PENDING_REVIEW")).extract().path("id");
        submit(key, Payloads.payment("25000.00", "production")).then().statusCode(201)
                .header("Idempotent-Replayed", "true");
        assertEquals(1, count("SELECT count(*) FROM action_request WHERE agent_id = ?1", agent));
        assertEquals(1, count("SELECT count(*) FROM audit_event WHERE agent_id = ?1 AND event_type = 'action.submitted'", agent));
        awaitOneOpenTaskAndTimer(UUID.fromString(id));
        assertEquals(1, count("SELECT count(*) FROM review_process WHERE request_id = ?1", UUID.fromString(id)));
    }

    @Test
    void crashInsideCancelLeavesTheRequestPendingAndUnaudited() {
        agent = agents.register();
        String id = submit(UUID.randomUUID().toString(), Payloads.payment("25000.00", "production"))
                .then().statusCode(201).extract().path("id");
        FaultInjector.arm(agent, FaultInjector.Step.statusTo(ActionStatus.CANCELLED));

        assertCrashAnswer(given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{}")
                .when().post("/api/v1/actions/" + id + "/cancel"));
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id)
                .then().statusCode(200).body("status", equalTo("PENDING_REVIEW"));
        assertEquals(0, count("SELECT count(*) FROM audit_event WHERE request_id = ?1 AND event_type = 'action.cancelled'",
                UUID.fromString(id)));
        awaitOneOpenTaskAndTimer(UUID.fromString(id)); // the failed cancel did not close the review

        FaultInjector.disarm(agent);
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{}")
                .when().post("/api/v1/actions/" + id + "/cancel")
                .then().statusCode(200).body("status", equalTo("CANCELLED"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(0, count("SELECT count(*) FROM inbox_task WHERE request_id = ?1 AND state = 'OPEN'",
                    UUID.fromString(id)), "open review tasks of the cancelled request");
            assertEquals(0, count("SELECT count(*) FROM engine_timer t JOIN review_process p "
                    + "ON p.process_instance_key = t.instance_key WHERE p.request_id = ?1", UUID.fromString(id)),
                    "timers left of the cancelled review");
        });
    }

    @Test
    void crashWhileIssuingAReleaseLeavesNoTokenAndTheNextReadIssuesExactlyOne() throws Exception {
        agent = agents.register();
        FaultInjector.arm(agent, FaultInjector.Step.releaseIssued());
        // The submission committed before its 201 tried to attach the release: it answers without one.
        String id = submit(UUID.randomUUID().toString(), Payloads.payment("10.00", "sandbox"))
                .then().statusCode(201).body("status", equalTo("APPROVED")).body("release", nullValue())
                .extract().path("id");
        assertEquals(0, count("SELECT count(*) FROM release_token WHERE request_id = ?1", UUID.fromString(id)));

        assertCrashAnswer(given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id));
        assertEquals(0, count("SELECT count(*) FROM release_token WHERE request_id = ?1", UUID.fromString(id)));

        FaultInjector.disarm(agent);
        Response read = given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id);
        read.then().statusCode(200).body("release.jti", notNullValue());
        String jti = read.path("release.jti");
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id)
                .then().statusCode(200).body("release.jti", equalTo(jti));
        assertEquals(1, count("SELECT count(*) FROM release_token WHERE request_id = ?1", UUID.fromString(id)));

        // At most one redemption per approval: the second redeem of the same release is refused.
        String executor = Tokens.token("crash-executor", "executor");
        for (int expected : new int[] { 200, 409 }) {
            given().auth().oauth2(executor).contentType("application/json")
                    .body(Map.of("token", read.<String>path("release.token")))
                    .when().post("/api/v1/releases/{jti}/redeem", jti).then().statusCode(expected);
        }
        assertEquals(1, count("SELECT count(*) FROM release_token WHERE request_id = ?1 AND redeemed_at IS NOT NULL",
                UUID.fromString(id)));
    }

    @Test
    void crashInsideOutcomeReportKeepsTheRequestApproved() throws Exception {
        agent = agents.register();
        String id = submit(UUID.randomUUID().toString(), Payloads.payment("10.00", "sandbox"))
                .then().statusCode(201).extract().path("id");
        FaultInjector.arm(agent, FaultInjector.Step.statusTo(ActionStatus.EXECUTED));

        assertCrashAnswer(given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .body("{\"outcome\":\"EXECUTED\",\"detail\":\"ran\"}")
                .when().post("/api/v1/actions/" + id + "/outcome"));
        assertEquals(0, count("SELECT count(*) FROM audit_event WHERE request_id = ?1 AND event_type = 'action.executed'",
                UUID.fromString(id)));

        FaultInjector.disarm(agent);
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .body("{\"outcome\":\"EXECUTED\",\"detail\":\"ran\"}")
                .when().post("/api/v1/actions/" + id + "/outcome")
                .then().statusCode(200).body("status", equalTo("EXECUTED"));
    }
}
