package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The export's read-ahead thread ({@link AuditExporter.ReadAhead}) on a real JDBC cursor (H2 in
 * memory, the export's column order): every row arrives once and in order across batch
 * boundaries, a failing query reaches the writer as its SQLException, and a writer that gives
 * up early (client gone) stops the reader instead of leaving it blocked on a full queue.
 */
@Timeout(30) // a reader that close() cannot stop would hang the build instead of failing
class ExportReadAheadTest {

    private static final String COLUMNS = AuditQueries.EVENT_COLUMNS;
    private Connection c;

    @BeforeEach
    void table() throws SQLException {
        c = DriverManager.getConnection("jdbc:h2:mem:readahead-" + UUID.randomUUID() + ";MODE=PostgreSQL");
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE audit_event (id BIGINT PRIMARY KEY, seq BIGINT, occurred_at TIMESTAMP WITH TIME ZONE,"
                    + " actor_kind VARCHAR(16), actor_id VARCHAR(255), request_id UUID, event_type VARCHAR(100),"
                    + " data VARCHAR(1000), prev_hash VARCHAR(64), hash VARCHAR(64), format_version INTEGER DEFAULT 2, agent_id VARCHAR(255))");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (id, seq, occurred_at, actor_kind, actor_id,"
                + " request_id, event_type, data, prev_hash, hash) VALUES (?, ?, ?, 'AGENT', ?, ?, 'action.submitted', ?, ?, ?)")) {
            for (int i = 1; i <= 2_503; i++) {
                ps.setLong(1, i);
                ps.setLong(2, i);
                ps.setObject(3, OffsetDateTime.of(2026, 11, 26, 5, 0, 0, 0, ZoneOffset.UTC).plusSeconds(i));
                ps.setString(4, "agent-" + i);
                ps.setObject(5, i % 2 == 0 ? null : new UUID(0, i));
                ps.setString(6, "{\"n\":" + i + "}");
                ps.setString(7, "p" + i);
                ps.setString(8, "h" + i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void deliversEveryRowOnceInOrderAcrossBatches() throws Exception {
        List<AuditExporter.Row> rows = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_event ORDER BY seq");
                AuditExporter.ReadAhead ahead = new AuditExporter.ReadAhead(ps, 1_000)) {
            for (List<AuditExporter.Row> batch = ahead.next(); batch != null; batch = ahead.next()) {
                sizes.add(batch.size());
                rows.addAll(batch);
            }
            assertNull(ahead.next(), "stays at the end");
        }
        assertEquals(List.of(1_000, 1_000, 503), sizes);
        for (int i = 0; i < rows.size(); i++) {
            AuditExporter.Row r = rows.get(i);
            long n = i + 1;
            assertEquals(n, r.seq());
            assertEquals("agent-" + n, r.actorId());
            assertEquals(n % 2 == 0 ? null : new UUID(0, n).toString(), r.requestId());
            assertEquals("{\"n\":" + n + "}", r.data());
            assertEquals("h" + n, r.hash());
        }
        assertEquals(AuditCodec.formatTs(java.time.Instant.parse("2026-11-26T05:00:01Z")), rows.get(0).ts());
    }

    @Test
    void anEmptyResultEndsAtOnce() throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_event WHERE seq < 0");
                AuditExporter.ReadAhead ahead = new AuditExporter.ReadAhead(ps, 1_000)) {
            assertNull(ahead.next());
        }
    }

    @Test
    void aFailingQueryReachesTheWriterAsItsSqlException() throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_event ORDER BY seq")) {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE audit_event");
            }
            try (AuditExporter.ReadAhead ahead = new AuditExporter.ReadAhead(ps, 1_000)) {
                SQLException e = assertThrows(SQLException.class, ahead::next);
                assertTrue(e.getMessage().toLowerCase().contains("audit_event"), e.getMessage());
                assertNull(ahead.next(), "nothing after the failure");
            }
        }
    }

    @Test
    void closingEarlyStopsTheReader() throws Exception {
        Thread reader;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_event ORDER BY seq");
                AuditExporter.ReadAhead ahead = new AuditExporter.ReadAhead(ps, 10)) {
            assertEquals(10, ahead.next().size());
            // The writer gives up after one batch; the reader is blocked on its full queue by now.
            Thread.sleep(100);
            reader = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("audit-export-reader")).findFirst().orElse(null);
        }
        assertTrue(reader == null || !reader.isAlive(), "close() joined the reader");
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("audit-export-reader") && t.isAlive()), "no reader left running");
    }
}
