package io.countersign.action;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Idempotency-Key semantics (replay, reuse, races) and per-agent quotas. */
@QuarkusTest
class IdempotencyAndQuotaTest {

    @Inject
    TestAgents agents;

    static Response post(String agent, String key, String body) {
        return given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", key).body(body)
                .when().post("/api/v1/actions");
    }

    @Transactional
    long requestsOf(String agent) {
        return ActionRequest.count("agentId", agent);
    }

    @Test
    void sameKeyAndSameBodyReplaysTheOriginalResponse() {
        String agent = agents.register();
        Response first = post(agent, "key-1", Payloads.payment("10.00", "sandbox"));
        assertEquals(201, first.statusCode());
        // Same body with other key order/whitespace is the same request.
        Response again = post(agent, "key-1", " " + Payloads.payment("10.00", "sandbox"));
        assertEquals(201, again.statusCode());
        assertEquals(first.asString(), again.asString());
        assertEquals(first.header("Location"), again.header("Location"));
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(1, requestsOf(agent));
    }

    @Test
    void sameKeyWithADifferentBodyIs422AndCreatesNothing() {
        String agent = agents.register();
        post(agent, "key-2", Payloads.payment("10.00", "sandbox")).then().statusCode(201);
        post(agent, "key-2", Payloads.payment("10.01", "sandbox")).then().statusCode(422)
                .contentType("application/problem+json").body("detail", containsString("key-2"));
        assertEquals(1, requestsOf(agent));
    }

    @Test
    void keysAreScopedPerAgent() {
        String a = agents.register();
        String b = agents.register();
        post(a, "shared-key", Payloads.payment("10.00", "sandbox")).then().statusCode(201);
        post(b, "shared-key", Payloads.payment("99.00", "sandbox")).then().statusCode(201);
        assertEquals(1, requestsOf(b));
    }

    @Test
    void fiftyConcurrentSubmissionsWithOneKeyCreateExactlyOneRequest() throws Exception {
        String agent = agents.register();
        String body = Payloads.schemaChange("production", "ALTER TABLE t ADD COLUMN c INT");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return post(agent, "race-key", body);
            }));
        }
        start.countDown();
        Set<String> ids = new HashSet<>();
        int created = 0;
        for (Future<Response> f : futures) {
            Response r = f.get();
            assertTrue(r.statusCode() == 201 || r.statusCode() == 409, "status " + r.statusCode() + ": " + r.asString());
            if (r.statusCode() == 201) {
                created++;
                ids.add(r.path("id"));
            }
        }
        pool.shutdown();
        assertTrue(created >= 1);
        assertEquals(1, ids.size(), "every 201 is the same request");
        assertEquals(1, requestsOf(agent));
    }

    @Test
    void requestsPerMinuteQuotaAnswers429WithRetryAfter() {
        String agent = agents.register(List.of("payment.transfer"), 3, 10);
        for (int i = 0; i < 3; i++) {
            post(agent, UUID.randomUUID().toString(), Payloads.payment("1.0" + i, "sandbox")).then().statusCode(201);
        }
        post(agent, UUID.randomUUID().toString(), Payloads.payment("2.00", "sandbox"))
                .then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", containsString("quota-exceeded"));
        assertEquals(3, requestsOf(agent));
    }

    @Test
    void replaysDoNotCountAgainstTheQuota() {
        String agent = agents.register(List.of("payment.transfer"), 1, 10);
        post(agent, "only", Payloads.payment("1.00", "sandbox")).then().statusCode(201);
        post(agent, "only", Payloads.payment("1.00", "sandbox")).then().statusCode(201)
                .header("Idempotent-Replayed", "true");
        // The quota is used up by the one request: a new key is refused, a retry is still answered.
        post(agent, "another", Payloads.payment("2.00", "sandbox")).then().statusCode(429);
        post(agent, "only", Payloads.payment("1.00", "sandbox")).then().statusCode(201)
                .header("Idempotent-Replayed", "true");
        post(agent, "only", Payloads.payment("9.00", "sandbox")).then().statusCode(422);
        assertEquals(1, requestsOf(agent));
    }

    @Test
    void aRetryOfAPendingRequestIsAnsweredWhenTheReviewQuotaIsFull() {
        String agent = agents.register(List.of("db.schema.change"), 100, 1);
        String body = Payloads.schemaChange("production", "ALTER TABLE t ADD c INT");
        String id = post(agent, "pending", body).then().statusCode(201).body("status", equalTo("PENDING_REVIEW"))
                .extract().path("id");
        post(agent, "pending", body).then().statusCode(201).header("Idempotent-Replayed", "true").body("id", equalTo(id));
        post(agent, "new-one", Payloads.schemaChange("production", "ALTER TABLE u ADD c INT")).then().statusCode(429);
        assertEquals(1, requestsOf(agent));
    }

    @Test
    void pendingReviewQuotaCapsTheReviewersQueue() {
        String agent = agents.register(List.of("db.schema.change", "payment.transfer"), 100, 2);
        for (int i = 0; i < 2; i++) {
            post(agent, UUID.randomUUID().toString(), Payloads.schemaChange("production", "ALTER TABLE t" + i + " ADD c INT"))
                    .then().statusCode(201).body("status", equalTo("PENDING_REVIEW"));
        }
        post(agent, UUID.randomUUID().toString(), Payloads.schemaChange("production", "ALTER TABLE x ADD c INT"))
                .then().statusCode(429).header("Retry-After", notNullValue())
                .body("detail", containsString("waiting for review"));
        // Fast-path requests are not capped by the review quota.
        post(agent, UUID.randomUUID().toString(), Payloads.payment("1.00", "sandbox")).then().statusCode(201);
        assertEquals(3, requestsOf(agent));
    }
}
