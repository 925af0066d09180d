package io.countersign.faults;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * A runaway agent: ten times its quota, sent from eight threads at once. The excess gets 429
 * problem+json with Retry-After (not a queue), and the reviewers' queue never grows past the
 * agent's pending-review cap.
 */
@QuarkusTest
class QuotaFloodTest {

    @Inject
    TestAgents agents;

    @Inject
    EntityManager em;

    private static final List<String> TYPES = List.of("payment.transfer", "db.schema.change");

    /** Sends {@code n} submissions from 8 threads; body i comes from {@code body}. */
    private static List<Response> flood(String agent, int n, IntFunction<String> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString()).body(body.apply(k))
                        .when().post("/api/v1/actions")));
            }
            List<Response> out = new ArrayList<>();
            for (Future<Response> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<Integer, Integer> statuses(List<Response> rs) {
        Map<Integer, Integer> m = new TreeMap<>();
        rs.forEach(r -> m.merge(r.statusCode(), 1, Integer::sum));
        return m;
    }

    private static void assertRefusalsAreProblems(List<Response> rs, String quotaWord) {
        for (Response r : rs) {
            if (r.statusCode() == 429) {
                assertEquals("application/problem+json", r.contentType());
                assertEquals("https://countersign.dev/problems/quota-exceeded", r.jsonPath().getString("type"));
                assertTrue(r.jsonPath().getString("detail").contains(quotaWord), r.asString());
                assertTrue(Long.parseLong(r.header("Retry-After")) >= 1, "Retry-After " + r.header("Retry-After"));
            }
        }
    }

    private long rows(String sql, String agent) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql)
                .setParameter(1, agent).getSingleResult()).longValue());
    }

    @Test
    void tenTimesTheRequestsPerMinuteQuotaIsRefusedWith429() throws Exception {
        int perMinute = 12;
        String agent = agents.register(TYPES, perMinute, 1000);
        // Mixed: fast-path approvals, denials and review requests.
        List<Response> rs = flood(agent, 10 * perMinute, i -> switch (i % 3) {
            case 0 -> Payloads.payment("10.00", "sandbox");
            case 1 -> Payloads.schemaChange("production", "DROP DATABASE orders");
            default -> Payloads.payment("25000.00", "production");
        });

        Map<Integer, Integer> st = statuses(rs);
        assertEquals(Map.of(201, perMinute, 429, 9 * perMinute), st, "statuses " + st);
        assertRefusalsAreProblems(rs, "requests per minute");
        assertEquals(perMinute, rows("SELECT count(*) FROM action_request WHERE agent_id = ?1", agent));
    }

    @Test
    void pendingReviewCapHoldsUnderAFloodOfReviewRequests() throws Exception {
        int cap = 4;
        String agent = agents.register(TYPES, 10_000, cap);
        List<Response> rs = flood(agent, 10 * cap, i -> Payloads.payment("25000.00", "production"));

        Map<Integer, Integer> st = statuses(rs);
        assertEquals(Map.of(201, cap, 429, 9 * cap), st, "statuses " + st);
        assertRefusalsAreProblems(rs, "waiting for review");
        String pending = "SELECT count(*) FROM action_request WHERE agent_id = ?1 AND status = 'PENDING_REVIEW'";
        assertEquals(cap, rows(pending, agent));

        // The fast path is not blocked by a full review queue, and a freed slot admits exactly one more.
        List<Response> fast = flood(agent, 3, i -> Payloads.payment("10.00", "sandbox"));
        assertEquals(Map.of(201, 3), statuses(fast));
        String id = rs.stream().filter(r -> r.statusCode() == 201).findFirst().orElseThrow().jsonPath().getString("id");
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{}")
                .when().post("/api/v1/actions/" + id + "/cancel").then().statusCode(200);
        Map<Integer, Integer> again = statuses(flood(agent, 2 * cap, i -> Payloads.payment("25000.00", "production")));
        assertEquals(Map.of(201, 1, 429, 2 * cap - 1), again, "statuses " + again);
        assertEquals(cap, rows(pending, agent));
    }
}
