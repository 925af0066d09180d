package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The optional freeze trigger of docs/audit.md ("Nothing is deleted"), taken from the page
 * itself: it refuses changes of sequenced rows but lets the sequencer set aside a row beyond
 * the head (AuditSequencer), so installing it cannot stall the trail again. Everything runs in
 * one transaction that is rolled back (PostgreSQL DDL is transactional).
 */
@QuarkusTest
class AuditFreezeTriggerTest {

    @Inject
    AgroalDataSource dataSource;
    @Inject
    AuditTrail trail;

    @Test
    void documentedTriggerRefusesRewritesButLetsTheSequencerSetAForeignRowAside() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            Assumptions.assumeTrue("PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName()),
                    "the documented trigger is PL/pgSQL, PostgreSQL only");
            long event = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> trail.record(ActorKind.SYSTEM,
                    "freeze-test", null, "test.freeze", java.util.Map.of()));
            trail.awaitSequence(event, java.time.Duration.ofSeconds(30));
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                String doc = Files.readString(Path.of("docs/audit.md"));
                int from = doc.indexOf("CREATE FUNCTION audit_event_freeze()");
                int to = doc.indexOf("EXECUTE FUNCTION audit_event_freeze();", from) + "EXECUTE FUNCTION audit_event_freeze();".length();
                String sql = doc.substring(from, to);
                int cut = sql.indexOf("END $$;") + "END $$;".length();
                s.execute(sql.substring(0, cut));
                s.execute(sql.substring(cut).strip());

                long headSeq;
                try (ResultSet rs = s.executeQuery("SELECT seq FROM audit_chain_head WHERE id = 1")) {
                    rs.next();
                    headSeq = rs.getLong(1);
                }
                assertTrue(headSeq > 0, "some events are chained");
                long id;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (seq, occurred_at, actor_kind, actor_id, "
                        + "event_type, data, prev_hash, hash) VALUES (?, ?, 'USER', 'mallory', 'action.approved', '{}', ?, ?) RETURNING id")) {
                    ps.setLong(1, headSeq + 1);
                    ps.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
                    ps.setString(3, "ab".repeat(32));
                    ps.setString(4, "cd".repeat(32));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                }
                // the sequencer's statement (AuditSequencer.setAsideForeignRows)
                try (PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET seq = ? WHERE id = ? AND seq = ?")) {
                    ps.setLong(1, -(headSeq + 1));
                    ps.setLong(2, id);
                    ps.setLong(3, headSeq + 1);
                    assertEquals(1, ps.executeUpdate());
                }
                s.execute("SAVEPOINT rewrite");
                SQLException refused = assertThrows(SQLException.class,
                        () -> s.executeUpdate("UPDATE audit_event SET data = '{\"x\":1}' WHERE seq = " + headSeq));
                assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
                s.execute("ROLLBACK TO SAVEPOINT rewrite");
                refused = assertThrows(SQLException.class,
                        () -> s.executeUpdate("UPDATE audit_event SET seq = -1000000 WHERE seq = " + headSeq));
                assertTrue(refused.getMessage().contains("append-only"), "a chained row cannot be moved aside: " + refused.getMessage());
                s.execute("ROLLBACK TO SAVEPOINT rewrite");
                refused = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM audit_event WHERE seq = " + headSeq));
                assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
            } finally {
                c.rollback();
            }
        }
    }
}
