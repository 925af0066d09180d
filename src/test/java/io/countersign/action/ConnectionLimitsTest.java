package io.countersign.action;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The body read deadline (slow-body clients) and the per-agent cap on concurrent long-polls. */
@QuarkusTest
@TestProfile(ConnectionLimitsTest.Limits.class)
class ConnectionLimitsTest {

    /** A short body deadline and a cap of two long-polls per agent. */
    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("countersign.http.body-timeout", "PT1S", "countersign.actions.max-long-polls-per-agent", "2");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    TestAgents agents;

    @Inject
    DecisionWaiters waiters;

    @Test
    void closesAConnectionWhoseBodyTrickles() throws Exception {
        String agent = agents.register();
        trickle("/api/v1/actions", "Authorization: Bearer " + Tokens.agent(agent) + "\r\nContent-Type: application/json"
                + "\r\nIdempotency-Key: " + UUID.randomUUID(), Payloads.payment("1.00", "sandbox"));
    }

    @Test
    void closesAnInboxFormConnectionWhoseBodyTrickles() throws Exception {
        trickle("/inbox/sign-in", "Content-Type: application/x-www-form-urlencoded\r\nOrigin: http://" + base.getHost()
                + ":" + base.getPort(), "_csrf=" + "x".repeat(43) + "&token=" + "y".repeat(200));
    }

    /** Sends {@code body} one byte every 200 ms and expects a 408 problem before the body is complete. */
    private void trickle(String path, String headers, String text) throws Exception {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        AtomicInteger sent = new AtomicInteger();
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\n" + headers + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // One byte every 200 ms: the whole body would take about a minute.
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
                try {
                    for (byte b : body) {
                        out.write(b);
                        out.flush();
                        sent.incrementAndGet();
                        Thread.sleep(200);
                    }
                } catch (Exception e) {
                    // the server closed the connection: expected
                }
            });
            String answer = readAll(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("application/problem+json"), answer);
            assertTrue(answer.contains("request-timeout"), answer);
            assertTrue(sent.get() < body.length, "the server waited for the whole body");
            trickle.cancel(true);
        }
    }

    @Test
    void capsConcurrentLongPollsPerAgentWith429() {
        String agent = agents.register();
        String token = Tokens.agent(agent);
        String pending = submitPending(token);
        List<CompletableFuture<Response>> polls = new ArrayList<>();
        int before = waiters.size();
        for (int i = 0; i < 2; i++) {
            polls.add(CompletableFuture.supplyAsync(() -> given().auth().oauth2(token)
                    .when().get("/api/v1/actions/" + pending + "?wait=30s")));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> waiters.size() >= before + 2);

        given().auth().oauth2(token)
                .when().get("/api/v1/actions/" + pending + "?wait=30s")
                .then().statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo("https://countersign.dev/problems/too-many-long-polls"))
                .header("Retry-After", notNullValue());
        // Without wait, and for another agent, nothing is capped.
        given().auth().oauth2(token).when().get("/api/v1/actions/" + pending).then().statusCode(200);
        String other = agents.register();
        String otherPending = submitPending(Tokens.agent(other));
        given().auth().oauth2(Tokens.agent(other)).when().get("/api/v1/actions/" + otherPending + "?wait=200ms")
                .then().statusCode(200).body("status", equalTo("PENDING_REVIEW"));

        // Cancelling wakes both waiters; their slots are free again.
        given().auth().oauth2(token).contentType("application/json").body("{}")
                .when().post("/api/v1/actions/" + pending + "/cancel").then().statusCode(200);
        polls.forEach(p -> assertEquals("CANCELLED", p.join().jsonPath().getString("status")));
        String next = submitPending(token);
        given().auth().oauth2(token).when().get("/api/v1/actions/" + next + "?wait=200ms")
                .then().statusCode(200).body("status", equalTo("PENDING_REVIEW"));
    }

    private String submitPending(String token) {
        return given().auth().oauth2(token).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Payloads.schemaChange("production", "ALTER TABLE orders ADD COLUMN note TEXT"))
                .when().post("/api/v1/actions")
                .then().statusCode(201).body("status", equalTo("PENDING_REVIEW"))
                .extract().path("id");
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        try {
            for (int n; (n = in.read(b)) > 0;) {
                buf.write(b, 0, n);
            }
        } catch (java.net.SocketException e) {
            // reset after the answer
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }
}
