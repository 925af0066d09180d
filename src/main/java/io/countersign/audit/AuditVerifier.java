package io.countersign.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.countersign.audit.merkle.CompactRange;
import io.countersign.audit.witness.WitnessRequirement;
import io.countersign.audit.witness.WitnessVerification;
import io.countersign.common.json.JsonSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Server-side verification of the whole chain with the same rules as the offline verifier:
 * streams every event up to the chain head, recomputes hashes and Merkle roots, checks every
 * signed checkpoint and the links between them, compares the end with the chain head (and
 * its newest checkpoint), reports rows outside the chain, and records the result.
 */
@ApplicationScoped
public class AuditVerifier {

    @Inject
    AgroalDataSource dataSource;
    @Inject
    AuditQueries queries;
    @Inject
    AuditConfig config;
    @Inject
    CheckpointSigner signer;
    @Inject
    WitnessVerification witnessVerification;

    /** Verifies the whole chain now (and what the configured witnesses know about it) and stores the result. */
    public AuditViews.Verification verify(String requestedBy) {
        return verify(requestedBy, WitnessRequirement.NONE);
    }

    /** Verifies the whole chain now, then the witness requirements (docs/audit.md, "Witnesses"), and stores the result. */
    public AuditViews.Verification verify(String requestedBy, WitnessRequirement witnesses) {
        ChainVerifier.Result r;
        long pending;
        long awaited;
        try {
            // the (bounded) wait for cosignatures first, with no connection held; then the read transaction
            awaited = witnessVerification.awaitCosignatures(witnesses);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = queries.readConnection()) {
            try {
                r = run(c);
                if (r.ok()) {
                    r = foreignRows(c, r);
                }
                r = witnessVerification.check(c, r, witnesses, awaited);
                pending = count(c, "SELECT COUNT(*) FROM audit_event WHERE seq IS NULL");
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO audit_verification (verified_at, ok, events, checkpoints, "
                        + "first_bad_seq, message, requested_by) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            ps.setBoolean(2, r.ok());
            ps.setLong(3, r.events());
            ps.setLong(4, r.checkpoints());
            ps.setObject(5, r.firstBadSeq());
            ps.setString(6, r.message());
            ps.setString(7, requestedBy);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new AuditViews.Verification(r.ok(), r.events(), r.checkpoints(), r.firstBadSeq(), r.message(),
                AuditCodec.formatTs(now), requestedBy, pending);
    }

    /** The most recent stored verification result. */
    public Optional<AuditViews.Verification> last() {
        try (Connection c = queries.readConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT ok, events, checkpoints, first_bad_seq, message, verified_at, "
                    + "requested_by FROM audit_verification ORDER BY id DESC LIMIT 1"); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long bad = rs.getLong(4);
                Long firstBad = rs.wasNull() ? null : bad;
                return Optional.of(new AuditViews.Verification(rs.getBoolean(1), rs.getLong(2), rs.getLong(3), firstBad,
                        rs.getString(5), AuditCodec.formatTs(rs.getObject(6, OffsetDateTime.class).toInstant()), rs.getString(7), 0));
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private ChainVerifier.Result run(Connection c) throws SQLException {
        // Checkpoints first, head second: the sequencer writes both in one transaction, so every
        // checkpoint read here is <= the head read after it, and a checkpoint beyond the head
        // can only mean the head (and the events) were rolled back.
        List<Long> sizes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, note FROM audit_checkpoint ORDER BY tree_size");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                sizes.add(rs.getLong(1));
                notes.add(rs.getString(2));
            }
        }
        AuditSequencer.Head head = AuditSequencer.head(c);
        long headSeq = head.seq();
        String headHash = head.hash();
        long headCheckpoint = head.checkpointSize();
        ChainVerifier v = new ChainVerifier(signer.verifiers(), config.origin(), 1, AuditCodec.GENESIS_HASH,
                new CompactRange());
        int next = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AuditQueries.EVENT_COLUMNS
                + " FROM audit_event WHERE seq >= 1 AND seq <= ? ORDER BY seq")) {
            ps.setFetchSize(config.fetchSize());
            ps.setLong(1, headSeq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && v.ok()) {
                    long seq = rs.getLong(2);
                    while (next < sizes.size() && sizes.get(next) < seq && v.ok()) {
                        v.checkpoint(notes.get(next++));
                    }
                    JsonNode data;
                    try {
                        data = JsonSupport.MAPPER.readTree(rs.getString(8));
                    } catch (IOException e) {
                        v.fail(seq, "event " + seq + " holds invalid JSON data");
                        break;
                    }
                    Object rid = rs.getObject(6);
                    int format = rs.getInt(11);
                    String agentId = rs.getString(12);
                    if (v.event(format, seq, AuditCodec.formatTs(rs.getObject(3, OffsetDateTime.class).toInstant()), rs.getString(4),
                            rs.getString(5), format == AuditCodec.FORMAT_1 ? null : agentId, rid == null ? null : rid.toString(),
                            rs.getString(7), data, rs.getString(9), rs.getString(10)) && format == AuditCodec.FORMAT_1) {
                        checkDerivedAgent(v, seq, rs.getString(4), rs.getString(5), data, agentId);
                    }
                }
            }
        }
        while (next < sizes.size() && v.ok()) {
            v.checkpoint(notes.get(next++));
        }
        if (v.ok() && headCheckpoint > 0 && !sizes.contains(headCheckpoint)) {
            v.fail(headCheckpoint, "the signed checkpoint of " + headCheckpoint + " events is missing: the chain head names it "
                    + "as the newest checkpoint");
        }
        return v.finish(headSeq, headSeq == 0 ? null : headHash);
    }

    /**
     * Format 1 does not hash agent_id, but the first format's {@code record} always derived it
     * from what it does hash (actor and data.agentId), so an edit of the column is still found.
     */
    private static void checkDerivedAgent(ChainVerifier v, long seq, String actorKind, String actorId, JsonNode data,
            String agentId) {
        String derived = AuditCodec.derivedAgentId(actorKind, actorId, data);
        if (!Objects.equals(derived, agentId)) {
            v.fail(seq, "event " + seq + " was altered: its agent_id (" + agentId + ") is not the agent its content names ("
                    + derived + ")");
        }
    }

    /**
     * Rows outside the chain's numbers 1..head were not written by the sequencer: one inserted
     * beyond the head (set aside by the sequencer to a negative number, see
     * {@link AuditSequencer}) or below 1. Reported with the number it claimed, the lowest first.
     */
    private ChainVerifier.Result foreignRows(Connection c, ChainVerifier.Result chain) throws SQLException {
        Map<Long, Long> claimed = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT data FROM audit_event WHERE event_type = ?")) {
            ps.setString(1, AuditSequencer.FOREIGN_ROW_SET_ASIDE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        JsonNode d = JsonSupport.MAPPER.readTree(rs.getString(1));
                        claimed.put(d.path("eventId").asLong(), d.path("claimedSeq").asLong());
                    } catch (IOException e) {
                        // its own hash check reports such an event
                    }
                }
            }
        }
        long count = 0;
        Long firstSeq = null;
        long firstId = 0;
        // two range scans of the seq index, as the audit-trail health check (an OR may be planned as a full scan)
        try (PreparedStatement ps = c.prepareStatement("SELECT id, seq FROM audit_event WHERE seq < 1 "
                + "UNION ALL SELECT id, seq FROM audit_event WHERE seq > ?")) {
            ps.setLong(1, AuditSequencer.head(c).seq());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    count++;
                    long seq = claimed.getOrDefault(rs.getLong(1), rs.getLong(2));
                    if (firstSeq == null || seq < firstSeq) {
                        firstSeq = seq;
                        firstId = rs.getLong(1);
                    }
                }
            }
        }
        if (count == 0) {
            return chain;
        }
        return new ChainVerifier.Result(false, chain.events(), chain.checkpoints(), firstSeq, count + " row(s) of audit_event were "
                + "not written by the sequencer (inserted straight into the database?); the first, id " + firstId
                + ", claims sequence number " + firstSeq + "; the chain itself: " + chain.message());
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
