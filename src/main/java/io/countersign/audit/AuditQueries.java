package io.countersign.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.countersign.audit.AuditViews.CheckpointView;
import io.countersign.audit.AuditViews.EventView;
import io.countersign.audit.merkle.CompactRange;
import io.countersign.audit.merkle.Merkle;
import io.countersign.common.ProblemException;
import io.countersign.common.json.JsonSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Read side of the trail: request trails, searches, checkpoints and Merkle proofs. Plain
 * JDBC with explicit read-only transactions (cursor fetches on PostgreSQL need autocommit off).
 */
@ApplicationScoped
public class AuditQueries {

    static final String EVENT_COLUMNS = "id, seq, occurred_at, actor_kind, actor_id, request_id, event_type, data, prev_hash, hash, "
            + "format_version, agent_id";

    @Inject
    AgroalDataSource dataSource;
    @Inject
    AuditConfig config;
    @Inject
    CheckpointSigner signer;

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** All rows of {@code sql} with positional {@code args}, read on a read-only connection. */
    private <T> List<T> readList(String sql, List<?> args, RowMapper<T> mapper) {
        List<T> rows = new ArrayList<>();
        try (Connection c = readConnection()) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(mapper.map(rs));
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** A read-only connection with autocommit off, so fetch sizes stream on PostgreSQL. */
    public Connection readConnection() throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        c.setReadOnly(true);
        return c;
    }

    /** Every event of one request in chain order (unsequenced ones last). */
    public AuditViews.RequestTrail requestTrail(UUID requestId) {
        // seq below 1: a row the sequencer set aside as not written by it (verify reports it), not part of the trail
        List<EventView> events = readList("SELECT " + EVENT_COLUMNS + " FROM audit_event WHERE request_id = ? "
                + "AND (seq IS NULL OR seq >= 1) ORDER BY seq NULLS LAST, id", List.of(requestId), AuditQueries::eventView);
        if (events.isEmpty()) {
            throw ProblemException.notFound("No audit events for request " + requestId + ".");
        }
        return new AuditViews.RequestTrail(requestId.toString(), events);
    }

    /** Optional filters of an event search; null means "any". {@code from} is inclusive, {@code to} exclusive. */
    public record EventFilter(String agent, String type, UUID requestId, String actor, Instant from, Instant to) {
    }

    /** Sequenced events matching optional filters, newest first, at most {@code limit}, seq below {@code before}. */
    public AuditViews.EventPage search(String agent, String type, UUID requestId, Long before, int limit) {
        return search(new EventFilter(agent, type, requestId, null, null, null), before, limit);
    }

    /**
     * Sequenced events matching {@code filter}, newest first, at most {@code limit}, seq below
     * {@code before} (keyset pagination: pass the previous page's {@code nextBefore}).
     */
    public AuditViews.EventPage search(EventFilter filter, Long before, int limit) {
        String agent = filter.agent();
        String type = filter.type();
        UUID requestId = filter.requestId();
        StringBuilder sql = new StringBuilder("SELECT " + EVENT_COLUMNS + " FROM audit_event WHERE seq >= 1");
        List<Object> args = new ArrayList<>();
        if (filter.actor() != null) {
            sql.append(" AND actor_id = ?");
            args.add(filter.actor());
        }
        if (filter.from() != null) {
            sql.append(" AND occurred_at >= ?");
            args.add(OffsetDateTime.ofInstant(filter.from(), ZoneOffset.UTC));
        }
        if (filter.to() != null) {
            sql.append(" AND occurred_at < ?");
            args.add(OffsetDateTime.ofInstant(filter.to(), ZoneOffset.UTC));
        }
        if (agent != null) {
            sql.append(" AND agent_id = ?");
            args.add(agent);
        }
        if (type != null) {
            sql.append(" AND event_type = ?");
            args.add(type);
        }
        if (requestId != null) {
            sql.append(" AND request_id = ?");
            args.add(requestId);
        }
        if (before != null) {
            sql.append(" AND seq < ?");
            args.add(before);
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        args.add(limit + 1);
        List<EventView> events = readList(sql.toString(), args, AuditQueries::eventView);
        Long next = null;
        if (events.size() > limit) {
            events = events.subList(0, limit);
            next = events.get(limit - 1).seq();
        }
        return new AuditViews.EventPage(List.copyOf(events), next);
    }

    static EventView eventView(ResultSet rs) throws SQLException {
        long seq = rs.getLong(2);
        Long seqOrNull = rs.wasNull() ? null : seq;
        Object rid = rs.getObject(6);
        JsonNode data;
        try {
            data = JsonSupport.MAPPER.readTree(rs.getString(8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EventView(seqOrNull, rs.getLong(1), AuditCodec.formatTs(rs.getObject(3, OffsetDateTime.class).toInstant()),
                rs.getString(4), rs.getString(5), rid == null ? null : rid.toString(), rs.getString(7), data,
                rs.getString(9), rs.getString(10));
    }

    /** Latest checkpoint and up to {@code limit} checkpoints below {@code before} (newest first). */
    public AuditViews.CheckpointList checkpoints(Long before, int limit) {
        List<CheckpointView> list = readList("SELECT tree_size, root_hash, issued_at, key_id, note FROM audit_checkpoint "
                + "WHERE tree_size < ? ORDER BY tree_size DESC LIMIT ?",
                List.of(before == null ? Long.MAX_VALUE : before, limit), AuditQueries::checkpointView);
        return new AuditViews.CheckpointList(latestCheckpoint().orElse(null), list, signer.verifierKey());
    }

    /** The newest checkpoint, if any. */
    public Optional<CheckpointView> latestCheckpoint() {
        return queryCheckpoint("SELECT tree_size, root_hash, issued_at, key_id, note FROM audit_checkpoint "
                + "ORDER BY tree_size DESC LIMIT 1", null);
    }

    /** The checkpoint of exactly {@code treeSize} events. */
    public Optional<CheckpointView> checkpoint(long treeSize) {
        return queryCheckpoint("SELECT tree_size, root_hash, issued_at, key_id, note FROM audit_checkpoint WHERE tree_size = ?",
                treeSize);
    }

    /** The smallest checkpoint covering at least {@code treeSize} events. */
    public Optional<CheckpointView> coveringCheckpoint(long treeSize) {
        return queryCheckpoint(COVERING_CHECKPOINT, treeSize);
    }

    private static final String COVERING_CHECKPOINT = "SELECT tree_size, root_hash, issued_at, key_id, note FROM audit_checkpoint "
            + "WHERE tree_size >= ? ORDER BY tree_size LIMIT 1";

    /**
     * The checkpoint covering {@code treeSize}, read on the caller's connection: a caller that
     * holds one must not wait for a second (a full pool of such callers would wait for ever).
     */
    public Optional<CheckpointView> coveringCheckpoint(Connection c, long treeSize) throws SQLException {
        return queryCheckpoint(c, COVERING_CHECKPOINT, treeSize);
    }

    private Optional<CheckpointView> queryCheckpoint(String sql, Long arg) {
        try (Connection c = readConnection()) {
            try {
                return queryCheckpoint(c, sql, arg);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<CheckpointView> queryCheckpoint(Connection c, String sql, Long arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setLong(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(checkpointView(rs)) : Optional.empty();
            }
        }
    }

    static CheckpointView checkpointView(ResultSet rs) throws SQLException {
        return new CheckpointView(rs.getLong(1), rs.getString(2),
                AuditCodec.formatTs(rs.getObject(3, OffsetDateTime.class).toInstant()), rs.getString(4), rs.getString(5));
    }

    /** Public key of checkpoint signatures. */
    public AuditViews.CheckpointKey checkpointKey() {
        List<String> retired = signer.verifiers().stream().skip(1).map(SignedNote.VerifierKey::format).toList();
        return new AuditViews.CheckpointKey(signer.verifierKey(), retired, Map.of("keys", signer.publicJwks()));
    }

    /** Inclusion proof of event {@code seq} in the checkpoint of {@code treeSize} (default: the latest). */
    public AuditViews.InclusionProof inclusionProof(long seq, Long treeSize) {
        CheckpointView cp = treeSize == null
                ? latestCheckpoint().orElseThrow(() -> ProblemException.notFound("No checkpoint has been signed yet."))
                : checkpoint(treeSize).orElseThrow(() -> ProblemException.notFound("No checkpoint of tree size " + treeSize + "."));
        if (seq < 1 || seq > cp.treeSize()) {
            throw ProblemException.badRequest("seq-out-of-range", "Event " + seq + " is not in the checkpoint of "
                    + cp.treeSize() + " events.");
        }
        try (Connection c = readConnection()) {
            try {
                String eventHash = leafData(c, seq);
                List<String> path = hex(Merkle.resolve(Merkle.inclusionRanges(seq - 1, cp.treeSize()), rangeHasher(c)));
                return new AuditViews.InclusionProof(seq, seq - 1, cp.treeSize(), eventHash,
                        AuditCodec.hex(Merkle.leafHash(AuditCodec.unhex(eventHash))), path, cp);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Consistency proof between the checkpoints of {@code first} and {@code second} events. */
    public AuditViews.ConsistencyProof consistencyProof(long first, long second) {
        if (first > second) {
            throw ProblemException.badRequest("invalid-range", "from (" + first + ") must not exceed to (" + second + ").");
        }
        CheckpointView a = checkpoint(first).orElseThrow(() -> ProblemException.notFound("No checkpoint of tree size " + first + "."));
        CheckpointView b = checkpoint(second).orElseThrow(() -> ProblemException.notFound("No checkpoint of tree size " + second + "."));
        try (Connection c = readConnection()) {
            try {
                List<String> proof = hex(Merkle.resolve(Merkle.consistencyRanges(first, second), rangeHasher(c)));
                return new AuditViews.ConsistencyProof(first, second, proof, a, b);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Consistency proof nodes from {@code first} to {@code second} events (sizes need not be checkpoints). */
    public List<byte[]> consistencyNodes(Connection c, long first, long second) {
        return Merkle.resolve(Merkle.consistencyRanges(first, second), rangeHasher(c));
    }

    private static String leafData(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit_event WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("audit event " + seq + " is missing");
                }
                return rs.getString(1);
            }
        }
    }

    /** MTH(D[start:end]) streamed from the event hashes (leaf index i = seq i+1). */
    Merkle.RangeHasher rangeHasher(Connection c) {
        return (start, end) -> {
            CompactRange cr = new CompactRange();
            streamHashes(c, start + 1, end, h -> cr.append(Merkle.leafHash(AuditCodec.unhex(h))));
            if (cr.size() != end - start) {
                throw new IllegalStateException("audit events " + (start + 1) + ".." + end + " are incomplete");
            }
            return cr.root();
        };
    }

    /** Streams the hashes of events fromSeq..toSeq (inclusive) in order. */
    void streamHashes(Connection c, long fromSeq, long toSeq, Consumer<String> sink) {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_event WHERE seq >= ? AND seq <= ? ORDER BY seq")) {
            ps.setFetchSize(config.fetchSize());
            ps.setLong(1, fromSeq);
            ps.setLong(2, toSeq);
            try (ResultSet rs = ps.executeQuery()) {
                long expected = fromSeq;
                while (rs.next()) {
                    if (rs.getLong(1) != expected) {
                        throw new IllegalStateException("audit event " + expected + " is missing");
                    }
                    sink.accept(rs.getString(2));
                    expected++;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The compact range of events 1..size, from the nearest checkpoint below plus the events after it. */
    CompactRange frontierAt(Connection c, long size) throws SQLException {
        CompactRange cr = new CompactRange();
        try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, frontier FROM audit_checkpoint WHERE tree_size <= ? "
                + "ORDER BY tree_size DESC LIMIT 1")) {
            ps.setLong(1, size);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    cr = CompactRange.parse(rs.getLong(1), rs.getString(2));
                }
            }
        }
        CompactRange range = cr;
        if (range.size() < size) {
            streamHashes(c, range.size() + 1, size, h -> range.append(Merkle.leafHash(AuditCodec.unhex(h))));
        }
        if (range.size() != size) {
            throw new IllegalStateException("audit events before " + (size + 1) + " are incomplete");
        }
        return range;
    }

    private static List<String> hex(List<byte[]> hashes) {
        List<String> out = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            out.add(AuditCodec.hex(h));
        }
        return out;
    }
}
