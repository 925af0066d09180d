package io.countersign.release;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * An agent reading its approved request waits for the audit sequencer before the release token
 * is issued (the token carries the approval's sequence number). That wait must not pin a pooled
 * connection: with a fixed-size pool, enough agents waiting at once would otherwise exhaust it —
 * starving the sequencer they wait for and every other request.
 *
 * Setup: a pool of 3 connections (2 usable on PostgreSQL, where the notification listener holds
 * one), a 1 s acquisition timeout and the sequencer switched off, so each read waits the full
 * 5 s and then answers 503 {@code audit-sequencing-delayed}. Five reads at once, plus a
 * submission while they wait: if a waiting read held its connection, the others would find the
 * pool empty for longer than the acquisition timeout and answer 503 {@code service-unavailable}.
 */
@QuarkusTest
@TestProfile(ReleaseWaitPoolTest.SmallPoolNoSequencer.class)
class ReleaseWaitPoolTest {

    public static class SmallPoolNoSequencer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.max-size", "3",
                    "quarkus.datasource.jdbc.min-size", "3",
                    "quarkus.datasource.jdbc.initial-size", "3",
                    "quarkus.datasource.jdbc.acquisition-timeout", "1S",
                    "countersign.audit.sequencer-enabled", "false");
        }
    }

    private static final int READERS = 5;

    @Inject
    TestAgents agents;

    private static Response submit(String agent, String amount) {
        return given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(Payloads.payment(amount, "sandbox"))
                .when().post("/api/v1/actions");
    }

    @Test
    void waitingForTheSequencerHoldsNoConnection() throws Exception {
        String agent = agents.register();
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        try {
            // Submitted at once: each 201 waits the same 5 s for the sequencer to attach the release
            // (and goes out without one), holding no connection either.
            List<Future<Response>> submissions = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                String amount = "1" + i + ".00";
                submissions.add(pool.submit(() -> submit(agent, amount)));
            }
            List<String> approved = new ArrayList<>();
            for (Future<Response> f : submissions) {
                Response r = f.get();
                assertEquals(201, r.statusCode(), r.asString());
                assertEquals("APPROVED", r.path("status"), "sandbox payments are approved by policy");
                approved.add(r.path("id"));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> reads = new ArrayList<>();
            for (String id : approved) {
                reads.add(pool.submit(() -> {
                    start.await();
                    return given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/{id}", id);
                }));
            }
            start.countDown();
            // The reads take 5 s each (the sequencer never chains their approvals); meanwhile the
            // service must still have connections for other work.
            Thread.sleep(1_500);
            Response during = submit(agent, "99.00");
            assertEquals(201, during.statusCode(), "a submission while agents wait for the sequencer: " + during.asString());
            for (Future<Response> f : reads) {
                Response r = f.get();
                assertEquals(503, r.statusCode(), r.asString());
                assertEquals("https://countersign.dev/problems/audit-sequencing-delayed", r.path("type"),
                        "each read waited for the sequencer, none for a connection: " + r.asString());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
