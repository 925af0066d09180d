package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.countersign.audit.cli.VerifyAuditCommand;
import io.countersign.common.json.JsonSupport;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Tampering straight in the database (then restoring it) and 1,000 random tamperings of an
 * export: every one must be detected and located at the right sequence number.
 */
@QuarkusTest
class AuditTamperTest {

    private static final Pattern FAILED_AT = Pattern.compile("FAILED at sequence number (\\d+)");

    @Inject
    AuditTrail trail;
    @Inject
    AuditVerifier verifier;
    @Inject
    AuditSequencer sequencer;
    @Inject
    AgroalDataSource dataSource;

    private long[] record(int count) {
        String agent = "agent-tamper-" + UUID.randomUUID();
        long[] seqs = new long[count];
        for (int i = 0; i < count; i++) {
            int n = i;
            UUID request = i % 3 == 0 ? null : UUID.randomUUID();
            long id = QuarkusTransaction.requiringNew().call(() -> trail.record(ActorKind.AGENT, agent, request, "action.submitted",
                    Map.of("n", n, "amount", 100.25 * n, "target", "payments/prod")));
            seqs[i] = trail.awaitSequence(id, Duration.ofSeconds(30));
        }
        return seqs;
    }

    // ---------------------------------------------------------------- straight in the database

    /** All columns of one event row, to restore it after tampering. */
    private record Row(long id, long seq, Object occurredAt, String actorKind, String actorId, String agentId, Object requestId,
            String type, String data, String prevHash, String hash, Object sequencedAt, int format) {

        Row(long id, long seq, Object occurredAt, String actorKind, String actorId, String agentId, Object requestId, String type,
                String data, String prevHash, String hash, Object sequencedAt) {
            this(id, seq, occurredAt, actorKind, actorId, agentId, requestId, type, data, prevHash, hash, sequencedAt, 1);
        }
    }

    private Row read(Connection c, long seq) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, seq, occurred_at, actor_kind, actor_id, agent_id, request_id, "
                + "event_type, data, prev_hash, hash, sequenced_at, format_version FROM audit_event WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return new Row(rs.getLong(1), rs.getLong(2), rs.getObject(3, java.time.OffsetDateTime.class), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getObject(7), rs.getString(8), rs.getString(9), rs.getString(10),
                        rs.getString(11), rs.getObject(12, java.time.OffsetDateTime.class), rs.getInt(13));
            }
        }
    }

    private void insert(Connection c, Row r) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (id, seq, occurred_at, actor_kind, actor_id, agent_id, "
                + "request_id, event_type, data, prev_hash, hash, sequenced_at, format_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Object[] v = { r.id(), r.seq(), r.occurredAt(), r.actorKind(), r.actorId(), r.agentId(), r.requestId(), r.type(), r.data(),
                    r.prevHash(), r.hash(), r.sequencedAt(), r.format() };
            for (int i = 0; i < v.length; i++) {
                ps.setObject(i + 1, v[i]);
            }
            ps.executeUpdate();
        }
    }

    private void exec(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /**
     * Holds the chain-head lock until closed, so the sequencer cannot run while a test puts
     * rows beyond the head (it would set them aside as foreign rows). Readers are not blocked.
     */
    private AutoCloseable pauseSequencer() throws Exception {
        Connection lock = dataSource.getConnection();
        lock.setAutoCommit(false);
        try (Statement st = lock.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT seq FROM audit_chain_head WHERE id = 1 FOR UPDATE")) {
            rs.next();
        }
        return () -> {
            lock.rollback();
            lock.close();
        };
    }

    private void assertVerificationFailsAt(long expectedSeq) {
        AuditViews.Verification v = verifier.verify("tamper-test");
        assertFalse(v.ok(), "tampering was not detected");
        assertEquals(expectedSeq, v.firstBadSeq(), v.message());
    }

    private void assertIntact() {
        AuditViews.Verification v = verifier.verify("tamper-test");
        assertTrue(v.ok(), v.message());
    }

    @Test
    void tamperingStraightInTheDatabaseIsDetectedAndLocated() throws Exception {
        long[] s = record(12);
        sequencer.checkpointNow();
        assertIntact();
        try (Connection c = dataSource.getConnection()) {
            // Update one field.
            Row r = read(c, s[3]);
            exec(c, "UPDATE audit_event SET data = ? WHERE seq = ?", "{\"amount\":1,\"n\":3,\"target\":\"payments/prod\"}", s[3]);
            assertVerificationFailsAt(s[3]);
            exec(c, "UPDATE audit_event SET data = ? WHERE seq = ?", r.data(), s[3]);
            exec(c, "UPDATE audit_event SET actor_id = ? WHERE seq = ?", "someone-else", s[5]);
            assertVerificationFailsAt(s[5]);
            exec(c, "UPDATE audit_event SET actor_id = ? WHERE seq = ?", read(c, s[4]).actorId(), s[5]);
            assertIntact();

            // Delete a row.
            Row deleted = read(c, s[6]);
            exec(c, "DELETE FROM audit_event WHERE seq = ?", s[6]);
            assertVerificationFailsAt(s[6]);
            insert(c, deleted);
            assertIntact();

            // Swap two rows (everything but the sequence number).
            Row a = read(c, s[2]);
            Row b = read(c, s[8]);
            String swap = "UPDATE audit_event SET occurred_at = ?, actor_kind = ?, actor_id = ?, request_id = ?, event_type = ?, "
                    + "data = ?, prev_hash = ?, hash = ? WHERE seq = ?"; // events of one agent and format: agent_id and format_version are alike
            exec(c, swap, b.occurredAt(), b.actorKind(), b.actorId(), b.requestId(), b.type(), b.data(), b.prevHash(), b.hash(), s[2]);
            exec(c, swap, a.occurredAt(), a.actorKind(), a.actorId(), a.requestId(), a.type(), a.data(), a.prevHash(), a.hash(), s[8]);
            assertVerificationFailsAt(s[2]);
            exec(c, swap, a.occurredAt(), a.actorKind(), a.actorId(), a.requestId(), a.type(), a.data(), a.prevHash(), a.hash(), s[2]);
            exec(c, swap, b.occurredAt(), b.actorKind(), b.actorId(), b.requestId(), b.type(), b.data(), b.prevHash(), b.hash(), s[8]);
            assertIntact();

            // Insert a row in the middle (later rows renumbered in two steps: unique seq).
            try (AutoCloseable paused = pauseSequencer()) {
                long k = s[4];
                exec(c, "UPDATE audit_event SET seq = seq + 1000000000 WHERE seq >= ?", k);
                exec(c, "UPDATE audit_event SET seq = seq - 999999999 WHERE seq >= ?", 1000000000L + k);
                Row template = read(c, s[3]);
                Row forged = new Row(9_000_000_000L + k, k, template.occurredAt(), "USER", "mallory", null, null, "action.approved",
                        "{\"forged\":true}", template.hash(), "ab".repeat(32), template.sequencedAt());
                insert(c, forged);
                assertVerificationFailsAt(k);
                exec(c, "DELETE FROM audit_event WHERE id = ?", forged.id());
                exec(c, "UPDATE audit_event SET seq = seq + 1000000000 WHERE seq > ?", k);
                exec(c, "UPDATE audit_event SET seq = seq - 1000000001 WHERE seq > ?", 1000000000L + k);
            }
            assertIntact();

            // Truncate the tail (and roll the head back so nothing but the checkpoint remembers it).
            long keep = s[9];
            List<Row> tail = new ArrayList<>();
            for (int i = 10; i < s.length; i++) {
                tail.add(read(c, s[i]));
            }
            String headHash;
            long headSeq;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT seq, hash FROM audit_chain_head")) {
                rs.next();
                headSeq = rs.getLong(1);
                headHash = rs.getString(2);
            }
            assertEquals(s[11], headSeq, "no other events were chained meanwhile");
            exec(c, "DELETE FROM audit_event WHERE seq > ?", keep);
            assertVerificationFailsAt(keep + 1);
            exec(c, "UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1", keep, read(c, keep).hash());
            try {
                // the frontier is now out of step with seq: still a finding, not an exception
                assertVerificationFailsAt(keep + 1);
            } finally {
                // The head first: rows beyond the head would be set aside by the sequencer as foreign.
                // Restored even when the check fails, so one failure does not stall the chain for later tests.
                exec(c, "UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1", headSeq, headHash);
            }
            for (Row t : tail) {
                insert(c, t);
            }
            assertIntact();
        }
    }

    @Test
    void editingTheAgentOfAnEventIsDetectedAndLocated() throws Exception {
        UUID request = UUID.randomUUID();
        long id = QuarkusTransaction.requiringNew().call(() -> trail.record(ActorKind.USER, "rita", request, "review.decided",
                Map.of("agentId", "agent-owner", "decision", "APPROVE")));
        long seq = trail.awaitSequence(id, Duration.ofSeconds(30));
        sequencer.checkpointNow();
        assertIntact();
        try (Connection c = dataSource.getConnection()) {
            exec(c, "UPDATE audit_event SET agent_id = ? WHERE seq = ?", "agent-other", seq);
            assertVerificationFailsAt(seq);
            exec(c, "UPDATE audit_event SET agent_id = NULL WHERE seq = ?", seq);
            assertVerificationFailsAt(seq);
            exec(c, "UPDATE audit_event SET agent_id = ? WHERE seq = ?", "agent-owner", seq);
        }
        assertIntact();
    }

    @Test
    void eventsWrittenInTheFirstFormatStillVerifyAndTheirAgentColumnIsChecked() throws Exception {
        // A row as an instance running the first event format wrote it (rolling upgrade): no
        // format_version given, so the column default (1) applies and it is hashed as format 1.
        String agent = "agent-v1-" + UUID.randomUUID();
        long id;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (occurred_at, actor_kind, actor_id, agent_id, "
                        + "request_id, event_type, data) VALUES (?, 'AGENT', ?, ?, NULL, 'action.submitted', '{\"n\":1}')",
                        new String[] { "id" })) {
            ps.setObject(1, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            ps.setString(2, agent);
            ps.setString(3, agent);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        sequencer.wake();
        long seq = trail.awaitSequence(id, Duration.ofSeconds(30));
        sequencer.checkpointNow();
        assertIntact();
        try (Connection c = dataSource.getConnection()) {
            Row r = read(c, seq);
            assertEquals(AuditCodec.chainHash(r.prevHash(), AuditCodec.canonicalEvent(seq,
                    AuditCodec.formatTs(((java.time.OffsetDateTime) r.occurredAt()).toInstant()), "AGENT", agent, null,
                    "action.submitted", JsonSupport.MAPPER.readTree("{\"n\":1}"))), r.hash(), "hashed as format 1");
            // Format 1 does not hash agent_id, but derives it from what it hashes: an edit is still found.
            exec(c, "UPDATE audit_event SET agent_id = ? WHERE seq = ?", "agent-other", seq);
            assertVerificationFailsAt(seq);
            exec(c, "UPDATE audit_event SET agent_id = ? WHERE seq = ?", agent, seq);
        }
        assertIntact();
    }

    // ---------------------------------------------------------------- 1,000 tamperings of an export

    private enum Kind { UPDATE, DELETE, SWAP, INSERT, TRUNCATE, REWRITE }

    private static final String[] FIELDS = { "ts", "actorKind", "actorId", "agentId", "requestId", "type", "data", "prevHash", "hash",
            "seq", "v" };

    /** The canonical event of an export line, in the line's format (a careful forger's view). */
    private static String canonical(JsonNode e) {
        return AuditCodec.canonicalEvent(e.path("v").asInt(1), e.get("seq").asLong(), e.get("ts").asText(),
                e.get("actorKind").asText(), e.get("actorId").asText(), e.path("agentId").textValue(),
                e.get("requestId").isNull() ? null : e.get("requestId").asText(), e.get("type").asText(), e.get("data"));
    }

    @Test
    void thousandRandomTamperingsOfAnExportAreAllDetectedAndLocated() throws Exception {
        long[] s = record(40);
        String export = given().auth().oauth2(Tokens.auditor())
                .queryParam("from", s[0]).queryParam("to", s[s.length - 1])
                .when().get("/api/v1/audit/export")
                .then().statusCode(200).extract().asString();
        List<String> lines = export.lines().toList();
        String vkey = given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/checkpoint-key")
                .then().statusCode(200).extract().path("verifierKey");
        assertEquals(VerifyAuditCommand.OK, verify(lines, vkey).code);
        long first = s[0];
        long last = s[s.length - 1];
        Random random = new Random(20250501L);
        Map<Kind, Integer> counts = new java.util.EnumMap<>(Kind.class);
        for (int i = 0; i < 1000; i++) {
            Kind kind = Kind.values()[i % Kind.values().length];
            List<String> t = new ArrayList<>(lines);
            long k = first + random.nextInt((int) (last - first + 1));
            long expected = k;
            String what;
            switch (kind) {
                case UPDATE -> {
                    String field = FIELDS[random.nextInt(FIELDS.length)];
                    int at = indexOf(t, k);
                    ObjectNode e = (ObjectNode) JsonSupport.MAPPER.readTree(t.get(at));
                    mutate(e, field, k, random);
                    t.set(at, JsonSupport.MAPPER.writeValueAsString(e));
                    what = "update " + field + " of " + k;
                }
                case DELETE -> {
                    t.remove(indexOf(t, k));
                    what = "delete " + k;
                }
                case SWAP -> {
                    long j = k == last ? k - 1 : k;
                    long other = j + 1 + random.nextInt((int) (last - j));
                    int a = indexOf(t, j);
                    int b = indexOf(t, other);
                    String x = t.get(a);
                    t.set(a, t.get(b));
                    t.set(b, x);
                    expected = j;
                    what = "swap " + j + " and " + other;
                }
                case INSERT -> {
                    int at = indexOf(t, k);
                    JsonNode orig = JsonSupport.MAPPER.readTree(t.get(at));
                    ObjectNode forged = orig.deepCopy();
                    forged.put("actorKind", "USER").put("actorId", "mallory").put("type", "action.approved");
                    forged.set("data", JsonSupport.MAPPER.createObjectNode().put("forged", i));
                    boolean careful = random.nextBoolean();
                    String hash = careful ? AuditCodec.chainHash(orig.get("prevHash").asText(), canonical(forged)) : "cd".repeat(32);
                    forged.put("hash", hash);
                    t.add(at, JsonSupport.MAPPER.writeValueAsString(forged));
                    what = (careful ? "careful" : "naive") + " insert at " + k;
                }
                case TRUNCATE -> {
                    long keep = k == last ? k - 1 : k;
                    int at = indexOf(t, keep);
                    while (t.size() > at + 1) {
                        t.remove(t.size() - 1);
                    }
                    expected = keep + 1;
                    what = "truncate after " + keep;
                }
                case REWRITE -> {
                    // A careful attacker alters event k and recomputes every later hash: only the
                    // signed checkpoints catch it, located at the first event after the last good one.
                    String prev = null;
                    for (int p = indexOf(t, k); p < t.size(); p++) {
                        ObjectNode e = (ObjectNode) JsonSupport.MAPPER.readTree(t.get(p));
                        if (!"event".equals(e.path("kind").asText())) {
                            continue;
                        }
                        if (e.get("seq").asLong() == k) {
                            ((ObjectNode) e.get("data")).put("target", "attacker/account");
                            prev = e.get("prevHash").asText();
                        }
                        e.put("prevHash", prev);
                        String h = AuditCodec.chainHash(prev, canonical(e));
                        e.put("hash", h);
                        prev = h;
                        t.set(p, JsonSupport.MAPPER.writeValueAsString(e));
                    }
                    what = "rewrite chain from " + k;
                }
                default -> throw new IllegalStateException();
            }
            Outcome o = verify(t, vkey);
            assertEquals(VerifyAuditCommand.TAMPERED, o.code, what + " was not detected: " + o.out);
            if (kind == Kind.REWRITE) {
                assertTrue(o.firstBad >= first && o.firstBad <= k, what + " located at " + o.firstBad + ": " + o.out);
            } else {
                assertEquals(expected, o.firstBad, what + ": " + o.out);
            }
            counts.merge(kind, 1, Integer::sum);
        }
        assertEquals(1000, counts.values().stream().mapToInt(Integer::intValue).sum());
    }

    private static void mutate(ObjectNode e, String field, long k, Random random) {
        switch (field) {
            case "ts" -> e.put("ts", java.time.Instant.parse(e.get("ts").asText()).plusMillis(1 + random.nextInt(1000)).toString());
            case "actorKind" -> e.put("actorKind", "AGENT".equals(e.get("actorKind").asText()) ? "SYSTEM" : "AGENT");
            case "actorId" -> e.put("actorId", e.get("actorId").asText() + "x");
            case "agentId" -> e.put("agentId", e.get("agentId").asText() + "x");
            case "v" -> e.put("v", 1);
            case "requestId" -> e.put("requestId", UUID.randomUUID().toString());
            case "type" -> e.put("type", "action.approved");
            case "data" -> ((ObjectNode) e.get("data")).put("amount", -1 - random.nextInt(1000));
            case "prevHash" -> e.put("prevHash", flip(e.get("prevHash").asText(), random));
            case "hash" -> e.put("hash", flip(e.get("hash").asText(), random));
            case "seq" -> e.put("seq", k + 2 + random.nextInt(5));
            default -> throw new IllegalArgumentException(field);
        }
    }

    private static String flip(String hex, Random random) {
        int i = random.nextInt(hex.length());
        char c = hex.charAt(i);
        char replacement = c == '0' ? '1' : '0';
        return hex.substring(0, i) + replacement + hex.substring(i + 1);
    }

    private static int indexOf(List<String> lines, long seq) {
        String needle = "\"kind\":\"event\",\"seq\":" + seq + ",";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("{" + needle)) {
                return i;
            }
        }
        throw new IllegalStateException("event " + seq + " not in the export");
    }

    private record Outcome(int code, long firstBad, String out) {
    }

    private static Outcome verify(List<String> lines, String vkey) throws Exception {
        Path file = Files.createTempFile("tampered", ".jsonl");
        try {
            Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = VerifyAuditCommand.run(new String[] { file.toString(), "--key", vkey }, new PrintStream(out, true,
                    StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            Matcher m = FAILED_AT.matcher(text);
            return new Outcome(code, m.find() ? Long.parseLong(m.group(1)) : -1, text);
        } finally {
            Files.delete(file);
        }
    }
}
