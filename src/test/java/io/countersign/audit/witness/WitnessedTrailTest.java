package io.countersign.audit.witness;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.countersign.audit.ActorKind;
import io.countersign.audit.AuditSequencer;
import io.countersign.audit.AuditTrail;
import io.countersign.audit.AuditVerifier;
import io.countersign.audit.AuditViews;
import io.countersign.audit.cli.VerifyAuditCommand;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Countersign with two witnesses on loopback, each its own process ({@link WitnessProcess}: the
 * {@code witness} command of the packaged entry point, its own key and state directory);
 * Countersign reaches them over real HTTP. Each test tampers straight in the database like an
 * operator with full access would, checks that the witnesses expose it, and restores the rows.
 */
@QuarkusTest
@TestProfile(WitnessedTrailProfile.class)
class WitnessedTrailTest {

    static final Map<String, WitnessProcess> WITNESSES = new HashMap<>();

    @Inject
    AuditTrail trail;
    @Inject
    AuditSequencer sequencer;
    @Inject
    AuditVerifier verifier;
    @Inject
    CheckpointPublisher publisher;
    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;
    @TestHTTPResource(value = "/health/group/audit-witness", management = true)
    URL witnessHealth;
    @TestHTTPResource(value = "/health/ready", management = true)
    URL readiness;

    static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }

    static Path dir() {
        return Path.of(config("witness-test.dir"));
    }

    static String vkey(String w) {
        return config("countersign.audit.witness.targets." + w + ".key");
    }

    static String logKey() {
        return config("witness-test.log-key");
    }

    /** Starts witness {@code w} exactly as docs/audit.md runs it, on the port the profile gave it. */
    static void startWitness(String w) throws Exception {
        URI url = URI.create(config("countersign.audit.witness.targets." + w + ".url"));
        WITNESSES.put(w, WitnessProcess.start(List.of("--key", dir().resolve(w + ".key").toString(), "--log-key", logKey(),
                "--state-dir", dir().resolve(w + "-state").toString(), "--listen", "127.0.0.1:" + url.getPort())));
    }

    @BeforeAll
    static void startWitnesses() throws Exception {
        startWitness("w1");
        startWitness("w2");
    }

    @AfterAll
    static void stopWitnesses() throws InterruptedException {
        for (WitnessProcess w : WITNESSES.values()) {
            w.close();
        }
        WITNESSES.clear();
    }

    @BeforeEach
    void everythingCosigned() {
        // a fresh checkpoint that both witnesses cosign: no conflict left from elsewhere
        long size = recordAndCheckpoint(1);
        assertTrue(publisher.awaitCosigned(size), "both witnesses cosign " + size);
        awaitUntil(() -> publisher.witnesses().stream().allMatch(w -> w.conflict() == null && w.pending() == 0), "no conflict, nothing pending");
    }

    long recordAndCheckpoint(int events) {
        String agent = "agent-witness-" + UUID.randomUUID();
        for (int i = 0; i < events; i++) {
            int n = i;
            long id = QuarkusTransaction.requiringNew().call(() -> trail.record(ActorKind.AGENT, agent, null, "action.submitted",
                    Map.of("n", n, "agentId", agent)));
            trail.awaitSequence(id, Duration.ofSeconds(30));
        }
        try {
            return sequencer.checkpointNow();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    CheckpointPublisher.Witness witness(String name) {
        return publisher.witnesses().stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
    }

    static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The full JSON Lines export, as an auditor downloads it. */
    Path export() throws Exception {
        String body = given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/export").then().statusCode(200)
                .extract().asString();
        Path file = Files.createTempFile(dir(), "audit", ".jsonl");
        Files.writeString(file, body, StandardCharsets.UTF_8);
        return file;
    }

    record Run(int code, String out) {
    }

    static Run verifyAudit(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyAuditCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }

    Run verifyWithWitnesses(Path export, String... more) {
        List<String> args = new ArrayList<>(List.of(export.toString(), "--key", logKey(), "--witness", vkey("w1"), "--witness", vkey("w2")));
        args.addAll(List.of(more));
        return verifyAudit(args.toArray(String[]::new));
    }

    static HttpResponse<String> addCheckpoint(String w, String body) throws Exception {
        URI url = URI.create(config("countersign.audit.witness.targets." + w + ".url") + "/add-checkpoint");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String note(Connection c, long size) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT note FROM audit_checkpoint WHERE tree_size = ?")) {
            ps.setLong(1, size);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "checkpoint " + size);
                return rs.getString(1);
            }
        }
    }

    // ------------------------------------------------------------- rows saved and restored

    /** Rows of one table, every column, to put back after tampering. */
    record Rows(String table, List<Map<String, Object>> rows) {
    }

    static Rows save(Connection c, String table, String where, Object... args) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE " + where)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
        }
        return new Rows(table, rows);
    }

    static void insert(Connection c, Rows saved) throws Exception {
        for (Map<String, Object> row : saved.rows()) {
            String sql = "INSERT INTO " + saved.table() + " (" + String.join(", ", row.keySet()) + ") VALUES ("
                    + String.join(", ", row.keySet().stream().map(k -> "?").toList()) + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (Object v : row.values()) {
                    ps.setObject(i++, v);
                }
                ps.executeUpdate();
            }
        }
    }

    static void exec(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Everything above {@code keep}: events, checkpoints, cosignatures and the head row. */
    record Tail(long keep, Rows events, Rows checkpoints, Rows cosignatures, Rows head) {
    }

    static Tail saveTail(Connection c, long keep) throws Exception {
        return new Tail(keep, save(c, "audit_event", "seq > ?", keep), save(c, "audit_checkpoint", "tree_size > ?", keep),
                save(c, "audit_cosignature", "tree_size > ?", keep), save(c, "audit_chain_head", "id = 1"));
    }

    /**
     * What an operator with database access does to make the log forget its tail: delete the
     * events, their checkpoints and cosignatures, and rewrite the chain head from the older
     * checkpoint {@code keep}, so the chain, the head and every checkpoint left agree.
     */
    static void truncate(Connection c, long keep) throws Exception {
        inOneTransaction(c, () -> {
            exec(c, "DELETE FROM audit_cosignature WHERE tree_size > ?", keep);
            exec(c, "DELETE FROM audit_checkpoint WHERE tree_size > ?", keep);
            exec(c, "DELETE FROM audit_event WHERE seq > ?", keep);
            exec(c, "UPDATE audit_chain_head SET seq = ?, hash = (SELECT hash FROM audit_event WHERE seq = ?), "
                    + "frontier = (SELECT frontier FROM audit_checkpoint WHERE tree_size = ?), checkpoint_size = ?, "
                    + "checkpoint_at = (SELECT issued_at FROM audit_checkpoint WHERE tree_size = ?) WHERE id = 1",
                    keep, keep, keep, keep, keep);
        });
    }

    static void restore(Connection c, Tail t) throws Exception {
        inOneTransaction(c, () -> {
            exec(c, "DELETE FROM audit_cosignature WHERE tree_size > ?", t.keep());
            exec(c, "DELETE FROM audit_checkpoint WHERE tree_size > ?", t.keep());
            exec(c, "DELETE FROM audit_event WHERE seq > ?", t.keep());
            insert(c, t.events());
            insert(c, t.checkpoints());
            insert(c, t.cosignatures());
            Map<String, Object> head = t.head().rows().get(0);
            exec(c, "UPDATE audit_chain_head SET seq = ?, hash = ?, frontier = ?, checkpoint_size = ?, checkpoint_at = ? "
                    + "WHERE id = 1", head.get("seq"), head.get("hash"), head.get("frontier"), head.get("checkpoint_size"),
                    head.get("checkpoint_at"));
        });
    }

    interface SqlWork {
        void run() throws Exception;
    }

    /**
     * Runs {@code work} as one transaction. Statement by statement, a sequencer batch could run
     * between them and see the head naming a checkpoint that was already deleted: it then
     * records an audit.checkpoint_missing event, one more event than the test expects (seen
     * once in a full PostgreSQL run: a forked tree of 39 events instead of 38).
     */
    static void inOneTransaction(Connection c, SqlWork work) throws Exception {
        c.setAutoCommit(false);
        try {
            work.run();
            c.commit();
        } catch (Exception | Error e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    // ------------------------------------------------------------- the tests

    @Test
    void everyCheckpointIsCosignedByBothWitnessesAndAppendedToTheFile() throws Exception {
        long first = recordAndCheckpoint(3);
        long second = recordAndCheckpoint(4);
        assertTrue(publisher.awaitCosigned(second));
        try (Connection c = dataSource.getConnection()) {
            for (long size : new long[] { first, second }) {
                Rows rows = save(c, "audit_cosignature", "tree_size = ?", size);
                assertEquals(List.of("witness.test/w1", "witness.test/w2"), rows.rows().stream().map(r -> (String) r.get("witness"))
                        .sorted().toList(), "cosignatures of " + size);
            }
        }
        Path export = export();
        Run ok = verifyWithWitnesses(export, "--min-tree-size", Long.toString(second));
        assertEquals(VerifyAuditCommand.OK, ok.code(), ok.out());
        assertTrue(ok.out().contains("witnessed: the newest checkpoint (" + second + " events) carries 2 required"), ok.out());
        // an old verifier without --witness still reads the export (cosignatures are extra note signature lines)
        assertEquals(VerifyAuditCommand.OK, verifyAudit(export.toString(), "--key", logKey()).code());
        // a witness whose cosignature is not there
        String stranger = WitnessKey.generate("witness.test/w3", dir().resolve("w3-" + UUID.randomUUID() + ".key")).verifier().format();
        Run missing = verifyAudit(export.toString(), "--key", logKey(), "--witness", vkey("w1"), "--witness", stranger);
        assertEquals(VerifyAuditCommand.NOT_WITNESSED, missing.code(), missing.out());
        assertTrue(missing.out().contains("missing: witness.test/w3"), missing.out());
        assertEquals(VerifyAuditCommand.OK, verifyAudit(export.toString(), "--key", logKey(), "--witness", vkey("w1"), "--witness",
                stranger, "--witness-quorum", "1").code());

        given().auth().oauth2(Tokens.auditor()).queryParam("witness", vkey("w1")).queryParam("witness", vkey("w2"))
                .queryParam("minTreeSize", second)
                .when().get("/api/v1/audit/verify")
                .then().statusCode(200).body("ok", equalTo(true));
        given().auth().oauth2(Tokens.auditor()).queryParam("witness", "not-a-key")
                .when().get("/api/v1/audit/verify")
                .then().statusCode(400).body(containsString("witness"));

        List<String> sink = Files.readAllLines(dir().resolve("checkpoints.log"), StandardCharsets.UTF_8);
        assertTrue(CheckpointFileSink.lastTreeSize(sink) >= second, "the checkpoint file holds " + second);
        try (Connection c = dataSource.getConnection()) {
            assertTrue(String.join("\n", sink).contains(note(c, first).trim()), "checkpoint " + first + " appended as signed");
        }
        given().when().get(metrics).then().statusCode(200)
                .body(containsString("countersign_audit_witness_cosigned_size{witness=\"w2\"}"))
                .body(containsString("countersign_audit_witness_pending{witness=\"w1\"} 0.0"));
    }

    @Test
    void truncatingTheTailIsDetected() throws Exception {
        long keep = recordAndCheckpoint(3);
        long cosigned = recordAndCheckpoint(5);
        assertTrue(publisher.awaitCosigned(cosigned));
        try (Connection c = dataSource.getConnection()) {
            Tail tail = saveTail(c, keep);
            try {
                truncate(c, keep);
                // The chain, the head and the checkpoints left agree with each other ...
                Run plain = verifyAudit(export().toString(), "--key", logKey());
                assertEquals(VerifyAuditCommand.OK, plain.code(), "without witnesses nothing is wrong: " + plain.out());
                // ... and the newest checkpoint left was cosigned, so cosignatures alone do not help:
                Path export = export();
                assertEquals(VerifyAuditCommand.OK, verifyWithWitnesses(export).code());
                // but the witness remembers the larger tree it cosigned (its state file, line 2: the size)
                String state = Files.readString(WitnessCommand.stateFile(dir().resolve("w1-state"), WitnessedTrailProfile.ORIGIN));
                String witnessed = state.split("\n")[1];
                assertEquals(Long.toString(cosigned), witnessed);
                Run truncated = verifyWithWitnesses(export, "--min-tree-size", witnessed);
                assertEquals(VerifyAuditCommand.TAMPERED, truncated.code(), truncated.out());
                assertTrue(truncated.out().startsWith("FAILED at sequence number " + (keep + 1) + ": the log has " + keep
                        + " events but a tree of " + cosigned + " was cosigned"), truncated.out());

                // Server side: the witnesses' answers are known to the verifier, whatever the tables say.
                AuditViews.Verification v = verifier.verify("witness-test");
                assertFalse(v.ok(), v.message());
                assertEquals(keep + 1, v.firstBadSeq(), v.message());
                assertTrue(v.message().contains("has cosigned a tree of " + cosigned + " events but the chain has " + keep), v.message());
                awaitUntil(() -> witness("w1").conflict() != null && witness("w2").conflict() != null, "both witnesses report a conflict");
                assertTrue(witness("w1").conflict().contains("truncation or rollback"), witness("w1").conflict());
                given().when().get(witnessHealth).then().statusCode(503).body(containsString("truncation or rollback"));
                given().when().get(readiness).then().statusCode(200); // the gateway keeps serving
                given().when().get(metrics).then().statusCode(200)
                        .body(containsString("countersign_audit_witness_conflict{witness=\"w1\"} 1.0"));
            } finally {
                restore(c, tail);
            }
        }
    }

    @Test
    void aWitnessRefusesToRollBack() throws Exception {
        long older = recordAndCheckpoint(2);
        long newer = recordAndCheckpoint(2);
        assertTrue(publisher.awaitCosigned(newer));
        try (Connection c = dataSource.getConnection()) {
            // a log restored from a backup offers its older checkpoint again: from scratch ...
            HttpResponse<String> fromZero = addCheckpoint("w1", "old 0\n\n" + note(c, older));
            assertEquals(409, fromZero.statusCode());
            assertEquals("text/x.tlog.size", fromZero.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(newer + "\n", fromZero.body());
            // ... or claiming the witness's own size: still not a tree it could extend
            HttpResponse<String> backwards = addCheckpoint("w2", "old " + newer + "\n\n" + note(c, older));
            assertEquals(400, backwards.statusCode(), "old larger than the checkpoint");
        }
        assertEquals(newer, Long.parseLong(Files.readString(WitnessCommand.stateFile(dir().resolve("w2-state"),
                WitnessedTrailProfile.ORIGIN)).split("\n")[1]));
    }

    @Test
    void aForkedHistoryIsDetected() throws Exception {
        long keep = recordAndCheckpoint(2);
        long size = recordAndCheckpoint(3);
        assertTrue(publisher.awaitCosigned(size));
        try (Connection c = dataSource.getConnection()) {
            Tail tail = saveTail(c, keep);
            String original = note(c, size);
            Rows originalCosignatures = save(c, "audit_cosignature", "tree_size = ?", size);
            try {
                // Rewrite history: forget the tail, let the application itself record other events up
                // to the same size and sign that tree. Chain, head and signatures are all genuine.
                truncate(c, keep);
                long forked = recordAndCheckpoint((int) (size - keep));
                assertEquals(size, forked);
                String forgery = note(c, size);
                assertFalse(forgery.equals(original));
                Run plain = verifyAudit(export().toString(), "--key", logKey());
                assertEquals(VerifyAuditCommand.OK, plain.code(), "the forked chain is consistent in itself: " + plain.out());

                // The witness refuses a second tree of the size it cosigned (409) ...
                HttpResponse<String> refused = addCheckpoint("w1", "old " + size + "\n\n" + forgery);
                assertEquals(409, refused.statusCode());
                assertEquals(size + "\n", refused.body());
                // ... so the forged checkpoint has no cosignature, even with the old ones copied onto it
                exec(c, "DELETE FROM audit_cosignature WHERE tree_size = ?", size);
                insert(c, originalCosignatures);
                Run fork = verifyWithWitnesses(export());
                assertEquals(VerifyAuditCommand.NOT_WITNESSED, fork.code(), fork.out());
                assertTrue(fork.out().contains("has 0 valid witness cosignature(s), 2 required"), fork.out());
                AuditViews.Verification v = verifier.verify("witness-test",
                        WitnessRequirement.of(List.of(vkey("w1"), vkey("w2")), null, null));
                assertFalse(v.ok(), v.message());
                awaitUntil(() -> witness("w1").conflict() != null, "w1 reports the fork");
                assertTrue(witness("w1").conflict().contains("fork"), witness("w1").conflict());
                given().when().get(witnessHealth).then().statusCode(503).body(containsString("fork"));
            } finally {
                restore(c, tail);
            }
        }
    }

    @Test
    void aWitnessThatIsDownDelaysCosigningButLosesNothing() throws Exception {
        long older = recordAndCheckpoint(2);
        long beforeCrash = recordAndCheckpoint(2);
        assertTrue(publisher.awaitCosigned(beforeCrash));
        // kill -9: the restart below reads the state the crashed process left on disk
        WITNESSES.remove("w2").kill();
        long first;
        long second;
        try {
            first = recordAndCheckpoint(2);
            second = recordAndCheckpoint(2);
            awaitUntil(() -> witness("w1").cosignedSize() >= second, "w1 cosigns while w2 is down");
            awaitUntil(() -> witness("w2").pending() >= 2 && witness("w2").lastError() != null, "w2's lag is visible");
            given().when().get(witnessHealth).then().statusCode(503)
                    .body("checks[0].data.'w2.reachable'", equalTo(false))
                    .body("checks[0].data.'w1.reachable'", equalTo(true))
                    .body("checks[0].data.'w2.error'", containsString("cannot reach"));
            given().when().get(readiness).then().statusCode(200);
            String m = given().when().get(metrics).then().statusCode(200).extract().asString();
            assertTrue(m.lines().anyMatch(l -> l.startsWith("countersign_audit_witness_pending{witness=\"w2\"}") && !l.endsWith(" 0.0")), m);
            assertTrue(m.lines().anyMatch(l -> l.startsWith("countersign_audit_witness_failures_total{witness=\"w2\"}")), m);
        } finally {
            startWitness("w2");
        }
        try (Connection c = dataSource.getConnection()) {
            // the restarted process still knows the size it cosigned before it was killed
            HttpResponse<String> rollback = addCheckpoint("w2", "old 0\n\n" + note(c, older));
            assertEquals(409, rollback.statusCode(), rollback.body());
            // (or a newer size: the publisher may already have caught it up)
            assertTrue(Long.parseLong(rollback.body().strip()) >= beforeCrash, rollback.body());
        }
        assertTrue(publisher.awaitCosigned(second), "w2 catches up");
        try (Connection c = dataSource.getConnection()) {
            for (long size : new long[] { first, second }) {
                assertEquals(1, save(c, "audit_cosignature", "tree_size = ? AND witness = ?", size, "witness.test/w2").rows().size(),
                        "w2 cosigned " + size + " after coming back");
            }
        }
        awaitUntil(() -> witness("w2").pending() == 0 && witness("w2").lastError() == null, "w2 caught up");
        String health = given().when().get(witnessHealth).then().extract().asString();
        assertTrue(health.contains("\"status\": \"UP\""), health);
        given().when().get(witnessHealth).then().body("checks[0].data.'w2.pending'", equalTo(0));
        assertNotNull(WITNESSES.get("w2"));
    }

    /** Splits a documented shell line into words: double quotes group, "$VAR" is replaced from {@code vars}. */
    static List<String> words(String line, Map<String, String> vars) {
        List<String> out = new ArrayList<>();
        for (java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line); m.find();) {
            String w = m.group(1) != null ? m.group(1) : m.group(2);
            for (Map.Entry<String, String> v : vars.entrySet()) {
                w = w.replace("$" + v.getKey(), v.getValue());
            }
            out.add(w);
        }
        return out;
    }

    /**
     * Runs the commands of docs/audit.md's "Witnesses" section as written: keygen and the
     * witness in a fresh directory (the witness on a free port instead of 7380, which parallel
     * builds would share), the sed and verify-audit lines next to this test's witness w1 state
     * and an export named audit.jsonl.
     */
    @Test
    void theDocumentedCommandsWork() throws Exception {
        long size = recordAndCheckpoint(2);
        assertTrue(publisher.awaitCosigned(size));
        Files.copy(export(), dir().resolve("audit.jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String doc = Files.readString(Path.of("docs/audit.md"), StandardCharsets.UTF_8);
        List<String> lines = doc.substring(doc.indexOf("## Witnesses")).lines().map(String::strip)
                .filter(l -> l.startsWith("java -jar quarkus-run.jar ") || l.startsWith("N=$(sed ")).toList();
        assertEquals(4, lines.size(), lines.toString());
        Path fresh = Files.createTempDirectory(dir(), "doc");
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("LOG_KEY", logKey());
        vars.put("W1_KEY", vkey("w1"));
        vars.put("W2_KEY", vkey("w2"));
        for (String line : lines) {
            if (line.startsWith("N=")) {
                String file = line.substring("N=$(sed -n 2p ".length(), line.length() - 1);
                vars.put("N", Files.readAllLines(dir().resolve(file)).get(1));
                assertTrue(Long.parseLong(vars.get("N")) >= size);
                continue;
            }
            List<String> w = words(line.substring("java -jar quarkus-run.jar ".length()), vars);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
            if (w.get(0).equals("verify-audit")) {
                List<String> args = new ArrayList<>(w.subList(1, w.size()));
                args.set(0, dir().resolve(args.get(0)).toString());
                assertEquals(VerifyAuditCommand.OK, VerifyAuditCommand.run(args.toArray(String[]::new), ps, ps), out.toString());
                assertTrue(out.toString().contains("witnessed: "), out.toString());
            } else if (w.get(1).equals("keygen")) {
                List<String> args = new ArrayList<>(w.subList(1, w.size()));
                args.set(args.indexOf("--key") + 1, fresh.resolve(args.get(args.indexOf("--key") + 1)).toString());
                assertEquals(0, WitnessCommand.run(args.toArray(String[]::new), ps, ps), out.toString());
                Cosignature.CosignerKey.parse(out.toString().trim());
            } else {
                List<String> args = new ArrayList<>(w.subList(1, w.size()));
                for (String opt : List.of("--key", "--state-dir")) {
                    args.set(args.indexOf(opt) + 1, fresh.resolve(args.get(args.indexOf(opt) + 1)).toString());
                }
                args.set(args.indexOf("--listen") + 1, "127.0.0.1:0");
                try (WitnessCommand.Running documented = WitnessCommand.start(args.toArray(String[]::new));
                        Connection c = dataSource.getConnection()) {
                    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + documented.port() + "/add-checkpoint")).POST(HttpRequest.BodyPublishers.ofString("old 0\n\n" + note(c, size)))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                    assertTrue(r.body().startsWith("\u2014 witness.example/w1 "), r.body());
                }
            }
        }
    }
}
