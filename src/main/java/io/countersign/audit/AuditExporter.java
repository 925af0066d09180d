package io.countersign.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.countersign.audit.merkle.CompactRange;
import io.countersign.audit.witness.CheckpointPublisher;
import io.countersign.audit.witness.Cosignature;
import io.countersign.audit.witness.CosignatureStore;
import io.countersign.common.ProblemException;
import io.countersign.common.json.JsonSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Streams exports with constant memory: one JDBC cursor (fetch size rows at a time) written
 * straight to the response. JSON Lines exports are self-verifying (see docs/audit.md):
 * a header with the chain state before the first event, the events with their hashes, every
 * signed checkpoint right after the event that completes it, and the checkpoint covering the
 * last event with a consistency proof.
 */
@ApplicationScoped
public class AuditExporter {

    /**
     * Format identifier in the header line. Version 2 adds {@code v} and {@code agentId} to the
     * lines of events of format 2 (lines without {@code v} are format 1, as in version 1).
     */
    public static final String FORMAT = "countersign-audit-export/2";

    /** The previous format identifier, still accepted by the offline verifier. */
    public static final String FORMAT_1 = "countersign-audit-export/1";

    @Inject
    AuditQueries queries;
    @Inject
    AuditSequencer sequencer;
    @Inject
    AuditConfig config;
    @Inject
    CosignatureStore cosignatures;
    @Inject
    CheckpointPublisher witnesses;

    /**
     * What to export: a contiguous range of sequence numbers, optionally filtered by agent,
     * type, request and actor (null: any). A filtered export is not contiguous: its header
     * says so and names the filters, and the verifier then checks what a slice allows.
     */
    public record ExportRequest(long fromSeq, long toSeq, String agent, String type, UUID requestId, String actor) {
        boolean filtered() {
            return agent != null || type != null || requestId != null || actor != null;
        }
    }

    /**
     * Resolves time bounds to a sequence range and clamps it to the chain head; makes sure a
     * signed checkpoint covers the end. Call before streaming so errors are still problem responses.
     */
    public ExportRequest prepare(Long fromSeq, Long toSeq, Instant fromTime, Instant toTime, String agent, String type,
            UUID requestId, String actor) {
        try {
            long head = sequencer.checkpointNow();
            witnesses.awaitCosigned(head); // bounded: without the cosignatures the export still verifies, just not witnessed
            long from = fromSeq != null ? Math.max(1, fromSeq) : 1;
            long to = toSeq != null ? Math.min(toSeq, head) : head;
            try (Connection c = queries.readConnection()) {
                try {
                    if (fromTime != null) {
                        from = Math.max(from, bound(c, "SELECT MIN(seq) FROM audit_event WHERE seq IS NOT NULL AND occurred_at >= ?",
                                fromTime, head + 1));
                    }
                    if (toTime != null) {
                        to = Math.min(to, bound(c, "SELECT MAX(seq) FROM audit_event WHERE seq IS NOT NULL AND occurred_at < ?",
                                toTime, 0));
                    }
                } finally {
                    c.rollback();
                }
            }
            if (to >= from && queries.coveringCheckpoint(to).isEmpty()) {
                // checkpointNow() signs one unless the trail is broken: refuse before any body byte.
                throw new ProblemException(500, "audit-trail-inconsistent", "Audit trail inconsistent", "No signed checkpoint "
                        + "covers event " + to + " although one was just signed; run GET /api/v1/audit/verify.");
            }
            return new ExportRequest(from, to, agent, type, requestId, actor);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long bound(Connection c, String sql, Instant t, long ifNone) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? ifNone : v;
            }
        }
    }

    private record Cp(long treeSize, String note) {
    }

    /** Writes the JSON Lines export. */
    public void writeJsonl(ExportRequest req, OutputStream raw) throws IOException {
        OutputStream out = new BufferedOutputStream(raw, 64 * 1024);
        try (Connection c = queries.readConnection();
                JsonGenerator g = JsonSupport.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            // Lines are ended by hand (writeRaw); flushes must not reach the socket.
            g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null);
            try {
                boolean empty = req.toSeq() < req.fromSeq();
                String prevHash = AuditCodec.GENESIS_HASH;
                CompactRange frontier = null;
                if (!empty && !req.filtered()) {
                    frontier = queries.frontierAt(c, req.fromSeq() - 1);
                    if (req.fromSeq() > 1) {
                        prevHash = hashOf(c, req.fromSeq() - 1);
                    }
                }
                g.writeStartObject();
                g.writeStringField("kind", "header");
                g.writeStringField("format", FORMAT);
                g.writeStringField("origin", config.origin());
                g.writeStringField("exportedAt", AuditCodec.formatTs(Instant.now()));
                g.writeBooleanField("filtered", req.filtered());
                g.writeNumberField("fromSeq", req.fromSeq());
                g.writeNumberField("toSeq", req.toSeq());
                if (req.agent() != null) {
                    g.writeStringField("agent", req.agent());
                }
                if (req.type() != null) {
                    g.writeStringField("type", req.type());
                }
                if (req.requestId() != null) {
                    g.writeStringField("request", req.requestId().toString());
                }
                if (req.actor() != null) {
                    g.writeStringField("actor", req.actor());
                }
                if (frontier != null) {
                    g.writeStringField("prevHash", prevHash);
                    g.writeObjectFieldStart("frontier");
                    g.writeNumberField("size", frontier.size());
                    g.writeArrayFieldStart("nodes");
                    for (byte[] n : frontier.nodes()) {
                        g.writeString(AuditCodec.hex(n));
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndObject();
                newline(g);
                long count = 0;
                if (!empty) {
                    count = streamEvents(c, req, cp -> writeCheckpoint(g, cp), row -> {
                        writeEvent(g, row);
                        newline(g);
                    });
                    AuditViews.CheckpointView cover = queries.coveringCheckpoint(c, req.toSeq())
                            .orElseThrow(() -> new IllegalStateException("no checkpoint covers " + req.toSeq()));
                    g.writeStartObject();
                    g.writeStringField("kind", "covering");
                    g.writeNumberField("fromSize", req.toSeq());
                    g.writeNumberField("treeSize", cover.treeSize());
                    g.writeArrayFieldStart("proof");
                    if (!req.filtered()) {
                        for (byte[] p : queries.consistencyNodes(c, req.toSeq(), cover.treeSize())) {
                            g.writeString(AuditCodec.hex(p));
                        }
                    }
                    g.writeEndArray();
                    g.writeStringField("note", cosignatures.withCosignatures(c, cover.treeSize(), cover.note()));
                    g.writeEndObject();
                    newline(g);
                }
                g.writeStartObject();
                g.writeStringField("kind", "end");
                g.writeNumberField("events", count);
                g.writeEndObject();
                newline(g);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IOException("export failed: " + e.getMessage(), e);
        }
        out.flush();
    }

    /** Writes one export element; may fail with the client's IOException. */
    private interface Sink<T> {
        void accept(T item) throws IOException;
    }

    /**
     * The export's body in chain order, the same for every format: each event of the range
     * (through {@link ReadAhead}), and every signed checkpoint in the range right after the event
     * that completes it. Returns the number of events.
     */
    private long streamEvents(Connection c, ExportRequest req, Sink<Cp> checkpoint, Sink<Row> event)
            throws SQLException, IOException {
        List<Cp> cps = withCosignatures(c, checkpointsIn(c, req.fromSeq(), req.toSeq()));
        int next = 0;
        long count = 0;
        try (PreparedStatement ps = eventQuery(c, req); ReadAhead rows = new ReadAhead(ps, config.fetchSize())) {
            for (List<Row> batch = rows.next(); batch != null; batch = rows.next()) {
                for (Row row : batch) {
                    while (next < cps.size() && cps.get(next).treeSize() < row.seq()) {
                        checkpoint.accept(cps.get(next++));
                    }
                    event.accept(row);
                    count++;
                }
            }
        }
        while (next < cps.size()) {
            checkpoint.accept(cps.get(next++));
        }
        return count;
    }

    private static void newline(JsonGenerator g) throws IOException {
        g.writeRaw('\n'); // into the generator's buffer: no flush and no extra copy per line
    }

    private static void writeEvent(JsonGenerator g, Row row) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "event");
        g.writeNumberField("seq", row.seq());
        if (row.format() != AuditCodec.FORMAT_1) {
            g.writeNumberField("v", row.format());
        }
        g.writeStringField("ts", row.ts());
        g.writeStringField("actorKind", row.actorKind());
        g.writeStringField("actorId", row.actorId());
        if (row.format() != AuditCodec.FORMAT_1) {
            // only where the hash covers it: format 1 does not
            if (row.agentId() == null) {
                g.writeNullField("agentId");
            } else {
                g.writeStringField("agentId", row.agentId());
            }
        }
        if (row.requestId() == null) {
            g.writeNullField("requestId");
        } else {
            g.writeStringField("requestId", row.requestId());
        }
        g.writeStringField("type", row.type());
        g.writeFieldName("data");
        g.writeRawValue(row.data()); // stored as canonical JSON already
        g.writeStringField("prevHash", row.prevHash());
        g.writeStringField("hash", row.hash());
        g.writeEndObject();
    }

    /** One exported event, decoded from its row by the {@link ReadAhead} thread. */
    record Row(long seq, String ts, String actorKind, String actorId, String requestId, String type, String data,
            String prevHash, String hash, int format, String agentId) {

        static Row of(ResultSet rs) throws SQLException {
            Object rid = rs.getObject(6);
            return new Row(rs.getLong(2), AuditCodec.formatTs(rs.getObject(3, OffsetDateTime.class).toInstant()),
                    rs.getString(4), rs.getString(5), rid == null ? null : rid.toString(), rs.getString(7),
                    rs.getString(8), rs.getString(9), rs.getString(10), rs.getInt(11), rs.getString(12));
        }
    }

    /**
     * Runs an export's query on a second thread that stays one fetch ahead of the writer: while
     * the caller formats and sends a batch of rows, the reader waits for PostgreSQL's next batch
     * and decodes it. Exports were single-threaded and alternated between the two (docs/benchmarks.md,
     * "Audit trail"). Memory stays constant: at most {@code QUEUED} batches of {@code fetchSize}
     * rows wait. The statement and its connection belong to the reader until {@link #close()}
     * has joined it; close() also stops the reader early when the writer fails (client gone).
     */
    static final class ReadAhead implements AutoCloseable {
        private static final int QUEUED = 2;
        private static final Object END = new Object();
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED);
        private final Thread reader;
        private volatile boolean stopped;
        private boolean ended;

        ReadAhead(PreparedStatement ps, int batchSize) {
            reader = new Thread(() -> read(ps, Math.max(1, batchSize)), "audit-export-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read(PreparedStatement ps, int batchSize) {
            Object last = END;
            try (ResultSet rs = ps.executeQuery()) {
                List<Row> batch = new ArrayList<>(batchSize);
                while (!stopped && rs.next()) {
                    batch.add(Row.of(rs));
                    if (batch.size() == batchSize) {
                        queue.put(batch);
                        batch = new ArrayList<>(batchSize);
                    }
                }
                if (!batch.isEmpty() && !stopped) {
                    queue.put(batch);
                }
            } catch (InterruptedException e) {
                return; // close() is stopping the reader: nobody takes from the queue any more
            } catch (SQLException | RuntimeException | Error e) {
                last = e; // handed to the writer, which rethrows it (it must never wait for a dead reader)
            }
            try {
                queue.put(last);
            } catch (InterruptedException e) {
                // close() is stopping the reader
            }
        }

        /** The next batch of rows in order, or null after the last one. */
        @SuppressWarnings("unchecked")
        List<Row> next() throws SQLException, IOException {
            if (ended) {
                return null;
            }
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("export interrupted");
            }
            if (o instanceof List<?> batch) {
                return (List<Row>) batch;
            }
            ended = true;
            if (o instanceof SQLException e) {
                throw e;
            }
            if (o instanceof RuntimeException e) {
                throw e;
            }
            if (o instanceof Error e) {
                throw e;
            }
            return null;
        }

        @Override
        public void close() {
            stopped = true;
            reader.interrupt();
            boolean interrupted = false;
            while (reader.isAlive()) {
                try {
                    reader.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void writeCheckpoint(JsonGenerator g, Cp cp) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "checkpoint");
        g.writeNumberField("treeSize", cp.treeSize());
        g.writeStringField("note", cp.note());
        g.writeEndObject();
        newline(g);
    }

    private PreparedStatement eventQuery(Connection c, ExportRequest req) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + AuditQueries.EVENT_COLUMNS
                + " FROM audit_event WHERE seq >= ? AND seq <= ?");
        if (req.agent() != null) {
            sql.append(" AND agent_id = ?");
        }
        if (req.type() != null) {
            sql.append(" AND event_type = ?");
        }
        if (req.requestId() != null) {
            sql.append(" AND request_id = ?");
        }
        if (req.actor() != null) {
            sql.append(" AND actor_id = ?");
        }
        sql.append(" ORDER BY seq");
        PreparedStatement ps = c.prepareStatement(sql.toString());
        ps.setFetchSize(config.fetchSize());
        int i = 1;
        ps.setLong(i++, req.fromSeq());
        ps.setLong(i++, req.toSeq());
        if (req.agent() != null) {
            ps.setString(i++, req.agent());
        }
        if (req.type() != null) {
            ps.setString(i++, req.type());
        }
        if (req.requestId() != null) {
            ps.setObject(i++, req.requestId());
        }
        if (req.actor() != null) {
            ps.setString(i, req.actor());
        }
        return ps;
    }

    private static List<Cp> checkpointsIn(Connection c, long from, long to) throws SQLException {
        List<Cp> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, note FROM audit_checkpoint WHERE tree_size >= ? "
                + "AND tree_size <= ? ORDER BY tree_size")) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Cp(rs.getLong(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    /** The checkpoints' notes with the witness cosignatures stored for them (extra note signature lines). */
    private List<Cp> withCosignatures(Connection c, List<Cp> cps) throws SQLException {
        if (cps.isEmpty()) {
            return cps;
        }
        Map<Long, List<String>> lines = cosignatures.linesIn(c, cps.get(0).treeSize(), cps.get(cps.size() - 1).treeSize());
        return lines.isEmpty() ? cps : cps.stream().map(cp -> new Cp(cp.treeSize(),
                Cosignature.withSignatures(cp.note(), lines.getOrDefault(cp.treeSize(), List.of()))))
                .toList();
    }

    private static String hashOf(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit_event WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("audit event " + seq + " is missing");
                }
                return rs.getString(1);
            }
        }
    }

    /** Writes the CSV export (for people: formula-injection safe; use JSON Lines to verify). */
    public void writeCsv(ExportRequest req, OutputStream raw) throws IOException {
        Writer w = new OutputStreamWriter(new BufferedOutputStream(raw, 64 * 1024), StandardCharsets.UTF_8);
        w.write("record,seq,ts,actor_kind,actor_id,request_id,type,data,prev_hash,hash\r\n");
        try (Connection c = queries.readConnection()) {
            try {
                if (req.toSeq() >= req.fromSeq()) {
                    streamEvents(c, req, cp -> csvCheckpoint(w, cp), row -> csvRow(w, "event", Long.toString(row.seq()),
                            row.ts(), row.actorKind(), row.actorId(), row.requestId() == null ? "" : row.requestId(),
                            row.type(), row.data(), row.prevHash(), row.hash()));
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IOException("export failed: " + e.getMessage(), e);
        }
        w.flush();
    }

    private static void csvCheckpoint(Writer w, Cp cp) throws IOException {
        csvRow(w, "checkpoint", Long.toString(cp.treeSize()), "", "", "", "", "", cp.note(), "", "");
    }

    static void csvRow(Writer w, String... cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(csvCell(cells[i]));
        }
        w.write("\r\n");
    }

    /** RFC 4180 quoting plus a leading apostrophe for cells a spreadsheet would run as a formula. */
    public static String csvCell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = value;
        char first = v.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || !v.equals(value)) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
