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
import java.util.Collections;
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
                boolean pg = isPostgres(c);
                String range = rows(pg);
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

    /**
     * The foreign-row queries of every batch and every readiness probe stay index range scans
     * under the generic plan PostgreSQL switches a prepared statement to after five runs: without
     * a bound on both sides, "seq > $1" was planned as a full scan of the trail at every batch (the fast path
     * halved, docs/benchmarks.md, "Security hardening").
     */
    @Test
    void foreignRowQueriesStayIndexRangeScansUnderAGenericPlan() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                boolean pg = isPostgres(c);
                String range = rows(pg);
                // a long chain of (negative, never colliding) numbers; rolled back with its statistics
                s.executeUpdate("INSERT INTO audit_event (occurred_at, actor_kind, actor_id, event_type, data, seq, prev_hash, hash) "
                        + "SELECT CURRENT_TIMESTAMP, 'SYSTEM', 'backlog-test', 'test.backlog', '{}', -1000000000 + v, 'x', 'x' FROM " + range);
                if (pg) {
                    s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                }
                int n = 0;
                // with the statistics the table has (none, where autovacuum is off, as on the bench
                // machine), then with fresh ones
                for (boolean analyzed : new boolean[] { false, true }) {
                    if (pg && analyzed) {
                        s.execute("ANALYZE audit_event");
                    }
                    for (String query : new String[] { AuditSequencer.FOREIGN_ROWS_SQL, AuditTrailHealthCheck.FOREIGN_ROWS_SQL }) {
                        int params = query.length() - query.replace("?", "").length();
                        String plan;
                        if (pg) {
                            String name = "foreign_rows_" + n++;
                            String sql = query;
                            for (int i = 1; i <= params; i++) {
                                sql = sql.replaceFirst("\\?", "\\$" + i);
                            }
                            s.execute("PREPARE " + name + "(" + String.join(", ", Collections.nCopies(params, "bigint"))
                                    + ") AS " + sql);
                            plan = explain(s, "EXPLAIN EXECUTE " + name + "(" + String.join(", ",
                                    Collections.nCopies(params, "-1")) + ")");
                        } else {
                            plan = explain(s, "EXPLAIN " + query.replace("?", "-1"));
                        }
                        assertTrue(plan.contains("audit_event_seq_unique"), query + "\n" + plan);
                        assertFalse(plan.contains("Seq Scan") || plan.contains("tableScan"), query + "\n" + plan);
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }

    private static String explain(Statement s, String sql) throws Exception {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    private static boolean isPostgres(Connection c) throws Exception {
        return "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
    }

    /** A FROM item of CHAINED rows with one column v = 1..CHAINED, in this database's dialect. */
    private static String rows(boolean pg) {
        return pg ? "generate_series(1, " + CHAINED + ") AS g(v)" : "SYSTEM_RANGE(1, " + CHAINED + ") AS g(v)";
    }
}
