package io.countersign.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.countersign.faults.JwtForge;
import io.countersign.inbox.InboxClient;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two real instances of the packaged application (the PostgreSQL build in
 * target/quarkus-app-postgres, production settings, fixture JWT issuer) on one fresh PostgreSQL
 * database: a request decided on replica A wakes the agent's long-poll on replica B, and a
 * reviewer's live-update stream on B hears about review tasks created and decided on A. Runs in
 * {@code verify} (failsafe, after {@code package}); skipped with -Dskip.pg=true.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicasIT {

    private static final Path APP = Path.of("target/quarkus-app-postgres/quarkus-run.jar");
    private static final Path WORKDIR = Path.of("target/replicas-it");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    /** The long-poll's wait: returning APPROVED/CANCELLED before it ends means a notification woke it. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    private final String db = System.getProperty("countersign.it.db", "countersign_replicas_it");
    private final String pgHost = System.getProperty("countersign.it.pg-host", "127.0.0.1");
    private final String pgPort = System.getProperty("countersign.it.pg-port", "5432");
    private final String pgUser = System.getProperty("countersign.it.pg-user", "postgres");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Replica> replicas = new ArrayList<>();
    private final Thread killer = new Thread(this::stopReplicas, "replicas-it-killer");
    private JwtForge tokens;
    private Replica a;
    private Replica b;
    private String agent;

    /** One running application instance. */
    private record Replica(String name, Process process, int port, int managementPort, Path log) {

        String base() {
            return "http://localhost:" + port;
        }
    }

    private static final boolean SKIP_PG = Boolean.getBoolean("countersign.it.skip-pg");

    @BeforeAll
    void startTwoReplicasOnOneDatabase() throws Exception {
        if (SKIP_PG) {
            return; // each test reports itself skipped, with the reason (requirePostgres)
        }
        if (!Files.isRegularFile(APP)) {
            throw new AssertionError(APP + " is missing: it is built by `package` (quarkus-maven-plugin execution build-postgres)");
        }
        tokens = JwtForge.fromDirectory(Path.of("src/test/resources/keys"));
        recreateDatabase();
        deleteRecursively(WORKDIR);
        Files.createDirectories(WORKDIR);
        Runtime.getRuntime().addShutdownHook(killer); // also when the test JVM is stopped from outside
        // One after the other: A runs the migrations and writes the generated signing keys into
        // the shared working directory, which B then reads (as replicas sharing one key would).
        a = start("a");
        b = start("b");
        agent = "agent-replicas-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send("POST", a, "/api/v1/admin/agents", tokens.valid("alice-admin", "admin"),
                "{\"id\":\"" + agent + "\",\"displayName\":\"replicas test\",\"ownerUserId\":\"owner\","
                        + "\"allowedTypes\":[\"db.schema.change\"],\"allowedTargets\":[\"**\"],"
                        + "\"allowedEnvironments\":[\"production\"],"
                        + "\"quotas\":{\"requestsPerMinute\":1000,\"maxPendingReviews\":100}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @BeforeEach
    void requirePostgres() {
        Assumptions.assumeFalse(SKIP_PG,
                "-Dskip.pg=true: the replicas test needs PostgreSQL and the PostgreSQL build of the application");
    }

    @AfterAll
    void stopReplicasAndDropTheDatabase() throws Exception {
        stopReplicas();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // already shutting down, or never added (skipped)
        }
        if (a != null) {
            try (Connection c = admin(); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    @Test
    void aFormTokenIssuedByOneReplicaIsAcceptedByTheOther() {
        // The CSRF key is shared through the database (inbox_secret), not generated per process.
        String token = tokens.valid("rita-" + UUID.randomUUID().toString().substring(0, 8), "reviewer", "dba");
        InboxClient onA = InboxClient.signedIn(a.base(), token);
        assertThat(onA.get("/inbox").statusCode()).isEqualTo(200);
        Response signedOutOnB = io.restassured.RestAssured.given().baseUri(b.base()).redirects().follow(false)
                .cookies(onA.cookies()).header("Origin", b.base()).contentType("application/x-www-form-urlencoded")
                .formParam("_csrf", onA.csrf())
                .when().post("/inbox/sign-out");
        assertThat(signedOutOnB.statusCode()).as(signedOutOnB.body().asString()).isEqualTo(303);
    }

    @Test
    void anApprovalOnOneReplicaWakesTheLongPollAndTheInboxStreamOfTheOther() throws Exception {
        String reviewer = "rita-" + UUID.randomUUID().toString().substring(0, 8);
        String token = tokens.valid(reviewer, "reviewer", "dba");
        Sse onB = sse(b, token);
        Sse onA = sse(a, token);

        PendingOnB pending = submitOnAAndLongPollOnB("approve", onB);
        String id = pending.id();
        InboxClient rita = InboxClient.signedIn(a.base(), token);
        Response page = rita.get("/inbox/requests/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        Response decided = rita.post("/inbox/requests/" + id + "/decision", Map.of(
                "taskKey", InboxClient.field(page, "taskKey"), "digest", InboxClient.field(page, "digest"),
                "decision", "approve", "comment", "approved on replica A"));
        assertThat(decided.statusCode()).as(decided.body().asString()).isEqualTo(303);

        assertWokenWith(pending, "APPROVED");
        await().atMost(Duration.ofSeconds(30)).until(() -> onB.has("decided " + id));
        // Each stream heard of each change once: B through the notification, A locally (its own
        // notification, echoed back by PostgreSQL, is not delivered again).
        await().atMost(Duration.ofSeconds(30)).until(() -> onA.has("decided " + id));
        for (Sse s : List.of(onA, onB)) {
            assertThat(s.count("created " + id)).isEqualTo(1);
            assertThat(s.count("decided " + id)).isEqualTo(1);
        }
        onA.close();
        onB.close();
    }

    @Test
    void aCancelOnOneReplicaWakesTheLongPollAndClosesTheTaskOnTheOthersStream() throws Exception {
        String token = tokens.valid("otto-" + UUID.randomUUID().toString().substring(0, 8), "reviewer", "dba");
        Sse onB = sse(b, token);

        PendingOnB pending = submitOnAAndLongPollOnB("cancel", onB);
        String id = pending.id();
        HttpResponse<String> cancelled = send("POST", a, "/api/v1/actions/" + id + "/cancel", tokens.valid(agent, "agent"),
                "{\"reason\":\"cancelled on replica A\"}");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);

        assertWokenWith(pending, "CANCELLED");
        await().atMost(Duration.ofSeconds(30)).until(() -> onB.has("closed " + id));
        onB.close();
    }

    // ------------------------------------------------------------------ the flows

    /** A review-path request submitted on A, with the agent's long-poll on B and when it was sent. */
    private record PendingOnB(String id, CompletableFuture<HttpResponse<String>> poll, long pollSentAt) {
    }

    /**
     * Submits on A, waits until B's stream announced the task, then long-polls on B and waits
     * until B has parked the poll (so what wakes it can only be the decision made on A).
     */
    private PendingOnB submitOnAAndLongPollOnB(String tag, Sse onB) throws Exception {
        String id = submitForReview(tag);
        await().atMost(Duration.ofSeconds(30)).until(() -> onB.has("created " + id));
        long sentAt = System.nanoTime();
        CompletableFuture<HttpResponse<String>> poll = longPoll(b, id);
        awaitParked(b, 1);
        return new PendingOnB(id, poll, sentAt);
    }

    private String submitForReview(String tag) throws Exception {
        HttpResponse<String> r = send("POST", a, "/api/v1/actions", tokens.valid(agent, "agent"),
                "{\"type\":\"db.schema.change\",\"target\":\"db://prod/orders\",\"environment\":\"production\","
                        + "\"summary\":\"replicas " + tag + "\",\"justification\":\"two replicas\",\"payload\":"
                        + "{\"database\":\"orders\",\"statements\":[\"CREATE INDEX " + tag + " ON t (c)\"]}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.body()).contains("\"status\":\"PENDING_REVIEW\"");
        Matcher m = ID.matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private CompletableFuture<HttpResponse<String>> longPoll(Replica r, String id) {
        return http.sendAsync(request(r, "/api/v1/actions/" + id + "?wait=" + WAIT.toSeconds() + "s",
                tokens.valid(agent, "agent")).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The long-poll answered with {@code status} before its wait ran out: a notification woke it. */
    private void assertWokenWith(PendingOnB pending, String status) throws Exception {
        HttpResponse<String> woke = pending.poll().get(WAIT.toSeconds() + 15, TimeUnit.SECONDS);
        long waited = System.nanoTime() - pending.pollSentAt();
        assertThat(woke.statusCode()).isEqualTo(200);
        assertThat(woke.body()).contains("\"status\":\"" + status + "\"");
        assertThat(Duration.ofNanos(waited)).as("answered before the wait of %s ran out", WAIT).isLessThan(WAIT);
    }

    /** Waits until {@code n} long-polls are parked on the replica (its countersign_longpoll_waiting gauge). */
    private void awaitParked(Replica r, int n) {
        Pattern gauge = Pattern.compile("(?m)^countersign_longpoll_waiting(?:\\{[^}]*})? ([0-9.]+)");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<String> m = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + r.managementPort() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher v = gauge.matcher(m.body());
            return v.find() && Double.parseDouble(v.group(1)) >= n;
        });
    }

    // ------------------------------------------------------------------ the inbox live-update stream

    /** A reviewer's live-update stream, read on its own thread. */
    private record Sse(Queue<String> lines, HttpResponse<Stream<String>> response) {

        boolean has(String line) {
            return count(line) > 0;
        }

        long count(String line) {
            return lines.stream().filter(("data:" + line)::equals).count()
                    + lines.stream().filter(("data: " + line)::equals).count();
        }

        void close() {
            response.body().close();
        }
    }

    /** Opens the stream with the reviewer's session cookie and waits for its first keep-alive (so it is subscribed). */
    private Sse sse(Replica r, String token) throws Exception {
        InboxClient signedIn = InboxClient.signedIn(r.base(), token);
        String cookies = signedIn.cookies().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .reduce((x, y) -> x + "; " + y).orElseThrow();
        HttpResponse<Stream<String>> resp = http.send(HttpRequest.newBuilder(URI.create(r.base() + "/inbox/events"))
                .header("Cookie", cookies).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(resp.statusCode()).isEqualTo(200);
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            try {
                resp.body().forEach(lines::add);
            } catch (UncheckedIOException e) {
                // closed at the end of the test
            }
        }, "sse-" + r.name());
        reader.setDaemon(true);
        reader.start();
        Sse s = new Sse(lines, resp);
        await().atMost(Duration.ofSeconds(20)).until(() -> s.has("keep-alive"));
        return s;
    }

    // ------------------------------------------------------------------ processes and database

    private Replica start(String name) throws Exception {
        int port = freePort(28470);
        int management = freePort(port + 1);
        Path log = WORKDIR.resolve("replica-" + name + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m", "-jar", APP.toAbsolutePath().toString())
                .directory(WORKDIR.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("QUARKUS_PROFILE", "postgres");
        env.put("COUNTERSIGN_DB_URL", "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + db);
        env.put("COUNTERSIGN_DB_USER", pgUser);
        env.put("COUNTERSIGN_DB_PASSWORD", "");
        // The fixture issuer of the test suite (its keys are test resources, never shipped).
        env.put("COUNTERSIGN_JWT_ISSUER", JwtForge.ISSUER);
        env.put("COUNTERSIGN_WEB_SIGN_IN", "token"); // no identity provider here: people paste fixture tokens
        env.put("COUNTERSIGN_JWT_KEYS", "file:" + Path.of("src/test/resources/keys/dev-issuer-jwks.json").toAbsolutePath());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        // A keep-alive every second: the stream's first event (and headers) arrive at once.
        env.put("COUNTERSIGN_INBOX_KEEP_ALIVE_SECONDS", "1");
        Replica r = new Replica(name, pb.start(), port, management, log);
        replicas.add(r);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!ready(r) || !Files.readString(log).contains("listening for cross-replica notifications")) {
            if (!r.process().isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("replica " + name + (r.process().isAlive() ? " not ready in " + START_TIMEOUT
                        : " exited with " + r.process().exitValue()) + "; log:\n" + tail(log));
            }
            Thread.sleep(200);
        }
        return r;
    }

    private boolean ready(Replica r) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + r.managementPort() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void stopReplicas() {
        for (Replica r : replicas) {
            r.process().destroy();
        }
        for (Replica r : replicas) {
            try {
                if (!r.process().waitFor(20, TimeUnit.SECONDS)) {
                    r.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                r.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The first port from {@code from} that nothing listens on (clear of the ports the lead's benchmarks use). */
    private static int freePort(int from) {
        for (int p = from; p < from + 200; p++) {
            try (ServerSocket s = new ServerSocket(p)) {
                return p;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new AssertionError("no free port from " + from);
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + pgHost + ":" + pgPort + "/postgres", pgUser, "");
    }

    private void recreateDatabase() throws SQLException {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + db);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    // ------------------------------------------------------------------ HTTP

    private HttpRequest.Builder request(Replica r, String path, String bearer) {
        return HttpRequest.newBuilder(URI.create(r.base() + path)).timeout(WAIT.plusSeconds(15))
                .header("Authorization", "Bearer " + bearer);
    }

    private HttpResponse<String> send(String method, Replica r, String path, String bearer, String json) throws Exception {
        return http.send(request(r, path, bearer).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
