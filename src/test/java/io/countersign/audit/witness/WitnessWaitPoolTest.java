package io.countersign.audit.witness;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.agroal.api.AgroalDataSource;
import io.countersign.audit.ActorKind;
import io.countersign.audit.AuditSequencer;
import io.countersign.audit.AuditTrail;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A witness that accepts the connection but answers only much later must not pin a pooled
 * connection (docs/operations.md: nothing holds a connection while it waits), and neither may a
 * verification or an export waiting for that witness's cosignature.
 *
 * Setup: a pool of 3 connections, a 3 s acquisition timeout, no PostgreSQL listener (so all 3
 * are usable on both databases) and one witness, a JDK HTTP server in this test whose handler
 * blocks on a latch until the test ends. While the publisher is stuck in its request:
 * <ul>
 * <li>the pool's active count drops to 0 — a publisher holding its read connection keeps it at 1;</li>
 * <li>twice the pool size of verifications requiring that witness, plus exports, all wait the
 * full await-cosignatures (8 s) for it and still answer 200 — a wait that holds its connection
 * leaves the others without one beyond the acquisition timeout (503), and keeps the active count
 * above 0 while they wait. The exports also catch an export that, holding its connection, asks
 * the pool for a second one: three at once on a pool of three wait for each other until the
 * acquisition timeout.</li>
 * </ul>
 */
@QuarkusTest
@TestProfile(WitnessWaitPoolTest.SmallPoolSlowWitness.class)
class WitnessWaitPoolTest {

    static final int POOL = 3;

    /** Small fixed pool, one witness on a port chosen here, long await so waits are visible. */
    public static class SmallPoolSlowWitness implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = Files.createTempDirectory(Path.of("target"), "witness-wait-pool");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int code = WitnessCommand.run(new String[] { "keygen", "--name", "witness.test/slow", "--key",
                        dir.resolve("slow.key").toString() }, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
                if (code != 0) {
                    throw new IllegalStateException("witness keygen failed: " + code);
                }
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                Map<String, String> config = new HashMap<>();
                config.put("quarkus.datasource.jdbc.max-size", Integer.toString(POOL));
                config.put("quarkus.datasource.jdbc.min-size", Integer.toString(POOL));
                config.put("quarkus.datasource.jdbc.initial-size", Integer.toString(POOL));
                config.put("quarkus.datasource.jdbc.acquisition-timeout", "3S");
                // the PostgreSQL LISTEN connection would hold one of the three for good
                config.put("countersign.notify.enabled", "false");
                config.put("countersign.audit.witness.targets.slow.url", "http://127.0.0.1:" + port);
                config.put("countersign.audit.witness.targets.slow.key", out.toString(StandardCharsets.UTF_8).trim());
                config.put("countersign.audit.witness.poll", "PT0.1S");
                config.put("countersign.audit.witness.initial-backoff", "PT0.1S");
                config.put("countersign.audit.witness.max-backoff", "PT0.3S");
                // the witness answers when the test ends, not at a timeout in between
                config.put("countersign.audit.witness.request-timeout", "PT120S");
                config.put("countersign.audit.witness.await-cosignatures", "PT8S");
                return config;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final CountDownLatch ARRIVED = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static HttpServer witness;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    AuditTrail trail;
    @Inject
    AuditSequencer sequencer;

    static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }

    @BeforeAll
    static void startSlowWitness() throws IOException {
        URI url = URI.create(config("countersign.audit.witness.targets.slow.url"));
        witness = HttpServer.create(new InetSocketAddress("127.0.0.1", url.getPort()), 0);
        witness.createContext("/add-checkpoint", exchange -> {
            try {
                exchange.getRequestBody().readAllBytes();
                ARRIVED.countDown();
                try {
                    RELEASE.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = "test over\n".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(503, body.length);
                exchange.getResponseBody().write(body);
            } finally {
                exchange.close();
            }
        });
        witness.setExecutor(Executors.newCachedThreadPool());
        witness.start();
    }

    @AfterAll
    static void releaseSlowWitness() {
        RELEASE.countDown();
        if (witness != null) {
            witness.stop(0);
        }
    }

    /** The smallest active-connection count seen over about a second (momentary users come and go). */
    long fewestActive() throws InterruptedException {
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            fewest = Math.min(fewest, dataSource.getMetrics().activeCount());
            Thread.sleep(50);
        }
        return fewest;
    }

    @Test
    void waitingForAWitnessHoldsNoConnection() throws Exception {
        String agent = "agent-wait-pool-" + UUID.randomUUID();
        long id = QuarkusTransaction.requiringNew().call(() -> trail.record(ActorKind.AGENT, agent, null, "action.submitted",
                Map.of("agentId", agent)));
        trail.awaitSequence(id, Duration.ofSeconds(30));
        sequencer.checkpointNow();
        assertTrue(ARRIVED.await(30, TimeUnit.SECONDS), "the publisher submits the checkpoint to the witness");

        try (Connection held = dataSource.getConnection()) {
            assertTrue(dataSource.getMetrics().activeCount() >= 1, "the pool's active count counts a connection in use");
        }
        assertEquals(0, fewestActive(), "while the witness keeps the publisher waiting, the publisher holds no connection");

        String vkey = config("countersign.audit.witness.targets.slow.key");
        ExecutorService clients = Executors.newFixedThreadPool(3 * POOL);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> verifications = new ArrayList<>();
            List<Future<Response>> exports = new ArrayList<>();
            for (int i = 0; i < 2 * POOL; i++) {
                verifications.add(clients.submit(() -> {
                    start.await();
                    return given().auth().oauth2(Tokens.auditor()).queryParam("witness", vkey).when().get("/api/v1/audit/verify");
                }));
            }
            for (int i = 0; i < POOL; i++) {
                exports.add(clients.submit(() -> {
                    start.await();
                    return given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/export");
                }));
            }
            start.countDown();
            // all of them now wait (8 s) for a cosignature that does not come
            Thread.sleep(2_500);
            assertEquals(0, fewestActive(), "verifications and exports waiting for a cosignature hold no connection");
            for (Future<Response> f : verifications) {
                Response r = f.get(60, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), "a verification waiting for the witness: " + r.asString());
                assertEquals(false, r.path("ok"), r.asString());
                assertTrue(r.<String>path("message").contains("missing: witness.test/slow"), r.asString());
            }
            for (Future<Response> f : exports) {
                Response r = f.get(60, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), "an export waiting for the witness: " + r.asString());
                assertTrue(r.asString().contains("\"kind\":\"end\""), "the export is complete");
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
