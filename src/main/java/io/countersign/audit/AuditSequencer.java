package io.countersign.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.countersign.audit.merkle.CompactRange;
import io.countersign.audit.merkle.Merkle;
import io.countersign.common.background.BackgroundLoop;
import io.countersign.common.background.BackgroundLoop.Next;
import io.countersign.common.SqlErrors;
import io.countersign.common.json.Jcs;
import io.countersign.common.json.JsonSupport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The single writer of the chain (Certificate Transparency shape): request transactions
 * insert unsequenced events; this sequencer, woken after each commit (and by a short poll),
 * locks the chain-head row, gives the committed events sequence numbers, previous hashes and
 * hashes in one batch, advances the compact Merkle range and, every N events or T seconds,
 * signs a checkpoint. The head-row lock makes it single across replicas as well.
 *
 * <p>It only ever assigns the numbers after the head it holds, so a row that already carries
 * such a number was not written by it (inserted straight into the database): it sets such a
 * row aside instead of failing on it forever, and records that in the trail
 * ({@link #setAsideForeignRows}). Likewise, when the newest checkpoint the head names is gone,
 * it records that and signs a fresh one that links to the missing one ({@link #checkNewestCheckpoint}).
 */
@ApplicationScoped
public class AuditSequencer {

    @Inject
    AgroalDataSource dataSource;
    @Inject
    AuditConfig config;
    @Inject
    CheckpointSigner signer;
    @Inject
    MeterRegistry registry;

    private final Object progress = new Object();
    private BackgroundLoop loop;
    private Timer mergeDelay;

    /**
     * The chain head as stored in audit_chain_head. The frontier is parsed only when asked for:
     * readers that need the sizes and hash (verification, health) must still report a head whose
     * frontier was edited out of step with its seq, not fail on it.
     */
    record Head(long seq, String hash, String frontierText, long checkpointSize, Instant checkpointAt,
            boolean checkpointPresent) {
        /** A fresh compact range of events 1..seq; throws if the stored frontier does not fit seq. */
        CompactRange frontier() {
            return CompactRange.parse(seq, frontierText);
        }
    }

    void onStart(@Observes StartupEvent ev) {
        mergeDelay = Timer.builder("countersign.audit.merge.delay")
                .description("Time from recording an audit event to its sequencing into the chain")
                .publishPercentiles(0.5, 0.99).register(registry);
        // registered up front so dashboards and alerts see them at 0 before anything happened
        registry.counter("countersign.audit.foreign.rows");
        registry.counter("countersign.audit.checkpoints.missing");
        if (!config.sequencerEnabled()) {
            Log.info("Audit sequencer disabled in this instance");
            return;
        }
        // a full batch means more are waiting: no pause
        loop = BackgroundLoop.named("audit-sequencer").poll(config.sequencerPoll()).metrics(registry)
                .build(() -> Next.moreIf(sequenceBatch() >= config.sequencerBatch()));
        loop.start();
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (loop != null) {
            loop.stop();
        }
    }

    /** Asks the sequencer to run now (called after a transaction with audit events committed). */
    public void wake() {
        if (loop != null) {
            loop.wake();
        }
    }

    /** Blocks until the sequencer finished another batch or {@code millis} passed. */
    void awaitProgress(long millis) throws InterruptedException {
        synchronized (progress) {
            progress.wait(Math.max(1, millis));
        }
    }

    /**
     * Chains one batch of committed, unsequenced events and writes a checkpoint when due.
     * Returns how many events were sequenced. Safe to call from any thread or replica: the
     * chain-head row lock serialises callers.
     */
    public int sequenceBatch() throws SQLException {
        try {
            return sequenceBatch(false);
        } catch (SQLException e) {
            if (!SqlErrors.uniqueViolation(e)) {
                throw e;
            }
            // A number this batch gave out was taken already: by a row the sequencer did not write.
            return sequenceBatch(true);
        }
    }

    /** One batch; {@code setAsideFirst}: move rows holding the numbers it can give out first. */
    private int sequenceBatch(boolean setAsideFirst) throws SQLException {
        int done;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Head head = lockHead(c);
                Instant checked = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                if (setAsideFirst) {
                    setAsideForeignRows(c, head.seq(), checked);
                }
                boolean repair = !head.checkpointPresent();
                if (repair) {
                    recordMissingCheckpoint(c, head, checked);
                }
                List<Pending> pending = pending(c, config.sequencerBatch());
                // Taken after the batch is read: an event committed while the checks above ran
                // must not be stamped as sequenced before it occurred.
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                long seq = head.seq();
                String prev = head.hash();
                CompactRange frontier = head.frontier();
                if (!pending.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET seq = ?, prev_hash = ?, hash = ?, "
                            + "sequenced_at = ? WHERE id = ? AND seq IS NULL")) {
                        OffsetDateTime sequencedAt = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
                        for (Pending p : pending) {
                            seq++;
                            String canonical = AuditCodec.canonicalEvent(p.format, seq, AuditCodec.formatTs(p.occurredAt),
                                    p.actorKind, p.actorId, p.agentId, p.requestId, p.type, p.data);
                            String hash = AuditCodec.chainHash(prev, canonical);
                            frontier.append(Merkle.leafHash(AuditCodec.unhex(hash)));
                            ps.setLong(1, seq);
                            ps.setString(2, prev);
                            ps.setString(3, hash);
                            ps.setObject(4, sequencedAt);
                            ps.setLong(5, p.id);
                            ps.addBatch();
                            prev = hash;
                        }
                        for (int count : ps.executeBatch()) {
                            if (count != 1 && count != PreparedStatement.SUCCESS_NO_INFO) {
                                throw new SQLException("an audit event was sequenced concurrently; aborting the batch");
                            }
                        }
                    }
                }
                long cpSize = head.checkpointSize();
                Instant cpAt = head.checkpointAt();
                boolean due = seq > cpSize && (repair || seq - cpSize >= config.checkpointEvents() || cpAt == null
                        || Duration.between(cpAt, now).compareTo(config.checkpointInterval()) >= 0);
                if (due) {
                    writeCheckpoint(c, seq, frontier, now, cpSize);
                    cpSize = seq;
                    cpAt = now;
                }
                if (!pending.isEmpty() || due) {
                    updateHead(c, seq, prev, frontier, cpSize, cpAt);
                }
                c.commit();
                done = pending.size();
                for (Pending p : pending) {
                    // another replica's clock may run ahead of this one's: a delay is never negative
                    mergeDelay.record(Math.max(0, Duration.between(p.occurredAt, now).toNanos()), TimeUnit.NANOSECONDS);
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        if (done > 0) {
            synchronized (progress) {
                progress.notifyAll();
            }
        }
        return done;
    }

    /**
     * Makes sure a checkpoint covers every event sequenced so far (exports end on one);
     * returns the tree size of the newest checkpoint afterwards.
     */
    public long checkpointNow() throws SQLException {
        // A batch first: it chains what is committed and repairs a missing newest checkpoint
        // (with an event, so the fresh checkpoint below never re-signs the missing one's size).
        sequenceBatch();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Head head = lockHead(c);
                if (head.seq() > head.checkpointSize()) {
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                    CompactRange frontier = head.frontier();
                    writeCheckpoint(c, head.seq(), frontier, now, head.checkpointSize());
                    updateHead(c, head.seq(), head.hash(), frontier, head.seq(), now);
                }
                c.commit();
                return head.seq();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Signs and stores the checkpoint of {@code size} events, linked to the previous one ({@code previousSize}, 0: none). */
    private void writeCheckpoint(Connection c, long size, CompactRange frontier, Instant now, long previousSize)
            throws SQLException {
        Checkpoint cp = new Checkpoint(config.origin(), size, frontier.root(), now, previousSize > 0 ? previousSize : null);
        String note = signer.sign(cp);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_checkpoint (tree_size, root_hash, issued_at, key_id, "
                + "note, frontier) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, size);
            ps.setString(2, cp.rootHex());
            ps.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            ps.setString(4, signer.keyIdHex());
            ps.setString(5, note);
            ps.setString(6, frontier.format());
            ps.executeUpdate();
        }
    }

    /** Actor of the events the sequencer records about the trail itself. */
    static final String SEQUENCER_ACTOR = "audit-sequencer";
    /** Rows in (head, head + batch], the numbers one batch can give out; see {@link #setAsideForeignRows}. */
    static final String FOREIGN_ROWS_SQL = "SELECT id, seq, hash FROM audit_event WHERE seq > ? AND seq <= ? ORDER BY seq";

    /** Event type recorded when a row that the sequencer did not write is set aside. */
    static final String FOREIGN_ROW_SET_ASIDE = "audit.foreign_row_set_aside";
    /** Event type recorded when the newest checkpoint named by the chain head is missing. */
    static final String CHECKPOINT_MISSING = "audit.checkpoint_missing";

    /**
     * Rows beyond the head were not sequenced by this sequencer: everything it numbers is at or
     * below the head it commits in the same transaction. Such a row (inserted straight into the
     * database) would make every batch fail on the unique sequence number, stalling the whole
     * trail and every release. It is moved out of the chain's numbers instead (to the negative
     * of the number it claimed, or below every number in use), left otherwise untouched as
     * evidence, and the move is recorded as an event in this batch; verify and the readiness
     * check report the row until an operator removes it (docs/audit.md).
     */
    private void setAsideForeignRows(Connection c, long headSeq, Instant now) throws SQLException {
        record Foreign(long id, long seq, String hash) {
        }
        List<Foreign> foreign = new ArrayList<>();
        // Only the numbers this batch can give out: a row further on is set aside by the batch that
        // reaches it. Both bounds keep this an index range scan under a generic plan and without
        // statistics; "seq > $1" alone was planned as a full scan and sort of the trail (when it
        // still ran at every batch, the fast path lost half its throughput, docs/benchmarks.md).
        try (PreparedStatement ps = c.prepareStatement(FOREIGN_ROWS_SQL)) {
            ps.setLong(1, headSeq);
            ps.setLong(2, headSeq + config.sequencerBatch());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    foreign.add(new Foreign(rs.getLong(1), rs.getLong(2), rs.getString(3)));
                }
            }
        }
        for (Foreign f : foreign) {
            long target = -f.seq();
            if (sequenceTaken(c, target)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT MIN(seq) FROM audit_event");
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    target = Math.min(rs.getLong(1), 0) - 1;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET seq = ? WHERE id = ? AND seq = ?")) {
                ps.setLong(1, target);
                ps.setLong(2, f.id());
                ps.setLong(3, f.seq());
                ps.executeUpdate();
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("eventId", f.id());
            data.put("claimedSeq", f.seq());
            data.put("claimedHash", f.hash());
            data.put("setAsideAs", target);
            AuditTrail.insert(c, now, ActorKind.SYSTEM, SEQUENCER_ACTOR, null, null, FOREIGN_ROW_SET_ASIDE,
                    Jcs.canonicalizeMap(data));
            registry.counter("countersign.audit.foreign.rows").increment();
            Log.errorf("Audit row id %d claims sequence number %d beyond the chain head %d but was not written by the "
                    + "sequencer (inserted straight into the database?); set aside as %d, sequencing goes on", f.id(), f.seq(),
                    headSeq, target);
        }
    }

    private static boolean sequenceTaken(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audit_event WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Records that the newest checkpoint the head names was deleted (the head read says so).
     * The batch then signs a fresh checkpoint whose {@code previous} line names the
     * missing one, so exports have a covering checkpoint again while verify keeps seeing the gap;
     * the event recorded here makes the fresh checkpoint's tree larger than the missing one's.
     */
    private void recordMissingCheckpoint(Connection c, Head head, Instant now) throws SQLException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("treeSize", head.checkpointSize());
        if (head.checkpointAt() != null) {
            data.put("issuedAt", AuditCodec.formatTs(head.checkpointAt()));
        }
        AuditTrail.insert(c, now, ActorKind.SYSTEM, SEQUENCER_ACTOR, null, null, CHECKPOINT_MISSING, Jcs.canonicalizeMap(data));
        registry.counter("countersign.audit.checkpoints.missing").increment();
        Log.errorf("The newest signed audit checkpoint (tree size %d) is missing from audit_checkpoint (deleted?); "
                + "signing a fresh checkpoint that names it as its predecessor", head.checkpointSize());
    }

    static Head lockHead(Connection c) throws SQLException {
        return head(c, " FOR UPDATE");
    }

    /** The chain head as committed, without locking it (verification, health). */
    static Head head(Connection c) throws SQLException {
        return head(c, "");
    }

    private static Head head(Connection c, String lock) throws SQLException {
        Head head;
        try (PreparedStatement ps = c.prepareStatement(
                // whether the newest checkpoint is still there comes with the head: no round trip per batch
                "SELECT h.seq, h.hash, h.frontier, h.checkpoint_size, h.checkpoint_at, h.checkpoint_size = 0 OR EXISTS "
                        + "(SELECT 1 FROM audit_checkpoint p WHERE p.tree_size = h.checkpoint_size) "
                        + "FROM audit_chain_head h WHERE h.id = 1" + lock);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("audit_chain_head row is missing");
            }
            head = readHead(rs);
        }
        if (head.checkpointPresent() || lock.isEmpty()) {
            return head;
        }
        // "Missing" from a locking read may be stale: a statement that waited for the head's lock
        // reads the head as the holder committed it but evaluates the EXISTS against the snapshot
        // it started with (PostgreSQL, read committed), so the checkpoint that holder wrote is not
        // in it. Asked again now that the lock is held, the answer is current.
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audit_checkpoint WHERE tree_size = ?")) {
            ps.setLong(1, head.checkpointSize());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Head(head.seq(), head.hash(), head.frontierText(), head.checkpointSize(),
                        head.checkpointAt(), true) : head;
            }
        }
    }

    static Head readHead(ResultSet rs) throws SQLException {
        long seq = rs.getLong(1);
        OffsetDateTime at = rs.getObject(5, OffsetDateTime.class);
        return new Head(seq, rs.getString(2), rs.getString(3), rs.getLong(4),
                at == null ? null : at.toInstant(), rs.getBoolean(6));
    }

    private static void updateHead(Connection c, long seq, String hash, CompactRange frontier, long cpSize, Instant cpAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_chain_head SET seq = ?, hash = ?, frontier = ?, "
                + "checkpoint_size = ?, checkpoint_at = ? WHERE id = 1")) {
            ps.setLong(1, seq);
            ps.setString(2, hash);
            ps.setString(3, frontier.format());
            ps.setLong(4, cpSize);
            ps.setObject(5, cpAt == null ? null : OffsetDateTime.ofInstant(cpAt, ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    /**
     * The committed unsequenced events in id order. Served by the partial index
     * audit_event_unsequenced_idx on PostgreSQL and the seq index on H2, so its cost depends
     * on the batch, not on the length of the chain (AuditSequencerBacklogTest checks the plans).
     */
    static final String PENDING_BATCH_SQL = "SELECT id, occurred_at, actor_kind, actor_id, request_id, event_type, data, "
            + "format_version, agent_id FROM audit_event WHERE seq IS NULL ORDER BY id LIMIT ?";

    private record Pending(long id, Instant occurredAt, String actorKind, String actorId, String requestId, String type,
            JsonNode data, int format, String agentId) {
    }

    private static List<Pending> pending(Connection c, int limit) throws SQLException {
        List<Pending> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PENDING_BATCH_SQL)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object rid = rs.getObject(5);
                    JsonNode data;
                    try {
                        data = JsonSupport.MAPPER.readTree(rs.getString(7));
                    } catch (IOException e) {
                        throw new SQLException("audit event " + rs.getLong(1) + " holds invalid JSON data", e);
                    }
                    int format = rs.getInt(8);
                    if (!AuditCodec.supportedFormat(format)) {
                        throw new SQLException("audit event " + rs.getLong(1) + " has the unsupported format " + format);
                    }
                    out.add(new Pending(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3),
                            rs.getString(4), rid == null ? null : rid.toString(), rs.getString(6), data, format, rs.getString(9)));
                }
            }
        }
        return out;
    }
}
