package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.countersign.common.json.JsonSupport;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The sequencer's batch query must cost what the batch costs, not what the chain costs
 * (docs/benchmarks.md finding: a primary-key walk over every chained row). Chains a 30,000-row
 * backlog inside a transaction that is rolled back, so the shared chain is untouched, and
 * checks the plan and the work of {@link AuditSequencer#PENDING_BATCH_SQL}.
 */
@QuarkusTest
class AuditSequencerBacklogTest {

    private static final int CHAINED = 30_000;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void batchQueryReadsOnlyUnsequencedRowsWhateverTheChainLength() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                boolean pg = "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
                String range = pg ? "generate_series(1, " + CHAINED + ") AS g(v)" : "SYSTEM_RANGE(1, " + CHAINED + ") AS g(v)";
                // The situation of the benchmark finding: statistics taken while most rows were still
                // unsequenced, then the backlog chained. Negative sequence numbers never collide with
                // the real chain; everything is rolled back (statistics included).
                s.executeUpdate("INSERT INTO audit_event (occurred_at, actor_kind, actor_id, event_type, data) SELECT CURRENT_TIMESTAMP, "
                        + "'SYSTEM', 'backlog-test', 'test.backlog', '{}' FROM " + range);
                if (pg) {
                    s.execute("ANALYZE audit_event");
                }
                long maxId;
                try (ResultSet rs = s.executeQuery("SELECT MAX(id) FROM audit_event WHERE actor_id = 'backlog-test'")) {
                    rs.next();
                    maxId = rs.getLong(1);
                }
                assertEquals(CHAINED - 3, s.executeUpdate("UPDATE audit_event SET seq = -id, prev_hash = 'x', hash = 'x', "
                        + "sequenced_at = CURRENT_TIMESTAMP WHERE actor_id = 'backlog-test' AND id <= " + (maxId - 3)));
                String query = AuditSequencer.PENDING_BATCH_SQL.replace("?", "2000");
                if (pg) {
                    JsonNode plan;
                    try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query)) {
                        rs.next();
                        plan = JsonSupport.MAPPER.readTree(rs.getString(1)).get(0).get("Plan");
                    }
                    String text = plan.toString();
                    assertTrue(text.contains("\"Index Name\":\"audit_event_unsequenced_idx\""), text);
                    assertFalse(text.contains("audit_event_pkey") || text.contains("Rows Removed by Filter"), text);
                    try (ResultSet rs = s.executeQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'audit_event_unsequenced_idx'")) {
                        assertTrue(rs.next(), "migration V72 (db/postgresql) created the partial index");
                        assertTrue(rs.getString(1).contains("WHERE (seq IS NULL)"), rs.getString(1));
                    }
                    // Buffers are not asserted: until VACUUM (or, after commit, the first scans marking them dead)
                    // the index still lists the rows this transaction just chained, which the scan checks and skips.
                } else {
                    String text;
                    try (ResultSet rs = s.executeQuery("EXPLAIN ANALYZE " + query)) {
                        rs.next();
                        text = rs.getString(1);
                    }
                    assertTrue(text.contains("audit_event_seq_unique"), text);
                    Matcher m = Pattern.compile("scanCount: (\\d+)").matcher(text);
                    assertTrue(m.find(), text);
                    assertTrue(Long.parseLong(m.group(1)) < 100, "batch query scanned " + m.group(1) + " rows with " + CHAINED
                            + " chained rows: " + text);
                }
                try (ResultSet rs = s.executeQuery(query)) {
                    int mine = 0;
                    while (rs.next()) {
                        mine += "backlog-test".equals(rs.getString(4)) ? 1 : 0;
                    }
                    assertEquals(3, mine);
                }
            } finally {
                c.rollback();
            }
        }
    }
}
