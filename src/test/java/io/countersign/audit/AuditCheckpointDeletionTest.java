package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.countersign.audit.cli.VerifyAuditCommand;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deleting the newest signed checkpoint straight in the database (then restoring it): verify
 * reports the missing checkpoint, and the export neither breaks off mid-stream nor hides it.
 */
@QuarkusTest
class AuditCheckpointDeletionTest {

    @Inject
    AuditTrail trail;
    @Inject
    AuditVerifier verifier;
    @Inject
    AuditSequencer sequencer;
    @Inject
    AgroalDataSource dataSource;

    /** All columns of one checkpoint row, to restore it. */
    private record CheckpointRow(long treeSize, String root, Object issuedAt, String keyId, String note, String frontier) {
    }

    @Test
    void deletingTheNewestCheckpointIsReportedByVerifyAndTheExportStillCompletes() throws Exception {
        for (int i = 0; i < 3; i++) {
            int n = i;
            long id = QuarkusTransaction.requiringNew().call(() -> trail.record(ActorKind.SYSTEM, "checkpoint-test", null,
                    "test.checkpoint", Map.of("n", n)));
            trail.awaitSequence(id, Duration.ofSeconds(30));
        }
        sequencer.checkpointNow();
        assertTrue(verifier.verify("checkpoint-test").ok());
        CheckpointRow deleted = deleteNewestCheckpoint();
        long n = deleted.treeSize();
        try {
            AuditViews.Verification v = verifier.verify("checkpoint-test");
            assertFalse(v.ok(), "the deleted checkpoint was not detected: " + v.message());
            assertEquals(n, v.firstBadSeq(), v.message());
            assertTrue(v.message().contains("checkpoint of " + n + " events is missing"), v.message());

            // The export never breaks off after 200: it is complete, and the offline verifier names the gap.
            Response export = given().auth().oauth2(Tokens.auditor())
                    .when().get("/api/v1/audit/export");
            assertEquals(200, export.statusCode(), export.asString());
            List<String> lines = export.asString().lines().toList();
            assertTrue(lines.get(lines.size() - 1).startsWith("{\"kind\":\"end\""), lines.get(lines.size() - 1));
            String vkey = given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/checkpoint-key")
                    .then().statusCode(200).extract().path("verifierKey");
            String out = verifyOffline(export.asString(), vkey);
            assertTrue(out.contains("FAILED at sequence number " + n + ": "), out);
            assertTrue(out.contains("checkpoint of " + n + " events is missing"), out);

            // Verify keeps reporting it after the sequencer moved on with a fresh checkpoint.
            AuditViews.Verification later = verifier.verify("checkpoint-test");
            assertFalse(later.ok(), later.message());
            assertEquals(n, later.firstBadSeq(), later.message());
        } finally {
            restore(deleted);
        }
        AuditViews.Verification restored = verifier.verify("checkpoint-test");
        assertTrue(restored.ok(), restored.message());
    }

    /** Deletes the checkpoint the chain head names as its newest, holding the head lock so nothing moves meanwhile. */
    private CheckpointRow deleteNewestCheckpoint() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long size;
            try (PreparedStatement ps = c.prepareStatement("SELECT checkpoint_size FROM audit_chain_head WHERE id = 1 FOR UPDATE");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                size = rs.getLong(1);
            }
            CheckpointRow row;
            try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, issued_at, key_id, note, frontier "
                    + "FROM audit_checkpoint WHERE tree_size = ?")) {
                ps.setLong(1, size);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), "the head's newest checkpoint exists");
                    row = new CheckpointRow(rs.getLong(1), rs.getString(2), rs.getObject(3, java.time.OffsetDateTime.class),
                            rs.getString(4), rs.getString(5), rs.getString(6));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_checkpoint WHERE tree_size = ?")) {
                ps.setLong(1, size);
                assertEquals(1, ps.executeUpdate());
            }
            c.commit();
            return row;
        }
    }

    private void restore(CheckpointRow r) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO audit_checkpoint (tree_size, root_hash, issued_at, key_id, "
                        + "note, frontier) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, r.treeSize());
            ps.setString(2, r.root());
            ps.setObject(3, r.issuedAt());
            ps.setString(4, r.keyId());
            ps.setString(5, r.note());
            ps.setString(6, r.frontier());
            ps.executeUpdate();
        }
    }

    private static String verifyOffline(String export, String vkey) throws Exception {
        Path file = Files.createTempFile("checkpoint-deleted", ".jsonl");
        try {
            Files.writeString(file, export, StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
            VerifyAuditCommand.run(new String[] { file.toString(), "--key", vkey }, ps, ps);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            Files.delete(file);
        }
    }
}
