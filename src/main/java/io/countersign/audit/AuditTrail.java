package io.countersign.audit;

import com.fasterxml.jackson.databind.node.TextNode;
import io.agroal.api.AgroalDataSource;
import io.countersign.common.ProblemException;
import io.countersign.common.json.Jcs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The entry point every feature uses to audit a state change: {@link #record} appends one
 * event in the caller's transaction, so the change and its audit event commit or roll back
 * together. The {@link AuditSequencer} chains committed events shortly after; callers that
 * need the sequence number (release tokens) wait for it with {@link #awaitSequence}.
 */
@ApplicationScoped
public class AuditTrail {

    private static final String SYNC_KEY = AuditTrail.class.getName() + ".wake";

    @Inject
    AgroalDataSource dataSource;
    @Inject
    TransactionSynchronizationRegistry txRegistry;
    @Inject
    AuditSequencer sequencer;

    /**
     * Appends one event in the CALLER's transaction (there must be one) and returns the event
     * id. {@code data} is stored as RFC 8785 canonical JSON. The agent the event concerns (hashed
     * in event format 2, used by exports filtered by agent) is the actor when it is an agent,
     * else {@code data.agentId}, else, for an event about a request, the agent of the request's
     * earlier events: put {@code "agentId"} in the data when you know it (it saves a query).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long record(ActorKind actorKind, String actorId, UUID requestId, String eventType, Map<String, ?> data) {
        if (actorKind == null) {
            throw new IllegalArgumentException("actorKind is required");
        }
        if (actorId == null || actorId.isBlank() || actorId.length() > 255) {
            throw new IllegalArgumentException("actorId must be 1..255 characters");
        }
        if (eventType == null || eventType.isBlank() || eventType.length() > 100) {
            throw new IllegalArgumentException("eventType must be 1..100 characters");
        }
        // The sequencer canonicalises actorId later, outside this transaction: an id it cannot
        // encode (an unpaired surrogate) would stop the whole chain, so refuse it here instead.
        Jcs.canonicalize(TextNode.valueOf(actorId));
        Map<String, ?> payload = data == null ? Map.of() : data;
        String canonical = Jcs.canonicalizeMap(payload);
        String agentId = actorKind == ActorKind.AGENT ? actorId
                : payload.get("agentId") instanceof String s && !s.isBlank() && s.length() <= 255 ? s : null;
        if (agentId == null && requestId != null) {
            agentId = agentOfRequest(requestId);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long id;
        // Agroal hands out the connection already enlisted in the caller's JTA transaction.
        try (Connection c = dataSource.getConnection()) {
            id = insert(c, now, actorKind, actorId, agentId, requestId, eventType, canonical);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the audit event: " + e.getMessage(), e);
        }
        wakeSequencerAfterCommit();
        return id;
    }

    /** Inserts one unsequenced event of the current format on {@code c} and returns its id. */
    static long insert(Connection c, Instant at, ActorKind actorKind, String actorId, String agentId, UUID requestId,
            String eventType, String canonicalData) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (occurred_at, actor_kind, actor_id, agent_id, "
                + "request_id, event_type, data, format_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", new String[] { "id" })) {
            ps.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            ps.setString(2, actorKind.name());
            ps.setString(3, actorId);
            ps.setString(4, agentId);
            ps.setObject(5, requestId);
            ps.setString(6, eventType);
            ps.setString(7, canonicalData);
            ps.setInt(8, AuditCodec.CURRENT_FORMAT);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new IllegalStateException("no id generated for the audit event");
                }
                return keys.getLong(1);
            }
        }
    }

    /**
     * The agent of a request, from its first event that names one (its submission, written by
     * the agent itself). Runs in the caller's transaction, so it also sees events of that
     * transaction; null when the request has no such event.
     */
    private String agentOfRequest(UUID requestId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT agent_id FROM audit_event WHERE request_id = ? "
                        + "AND agent_id IS NOT NULL ORDER BY id LIMIT 1")) {
            ps.setObject(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the agent of request " + requestId + ": " + e.getMessage(), e);
        }
    }

    private void wakeSequencerAfterCommit() {
        if (txRegistry.getResource(SYNC_KEY) != null) {
            return;
        }
        txRegistry.putResource(SYNC_KEY, Boolean.TRUE);
        txRegistry.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    sequencer.wake();
                }
            }
        });
    }

    /** Id of the newest event about {@code requestId} of one of {@code eventTypes}, if any. */
    public OptionalLong lastEventId(UUID requestId, Collection<String> eventTypes) {
        String marks = String.join(",", Collections.nCopies(eventTypes.size(), "?"));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM audit_event WHERE request_id = ? AND event_type IN ("
                        + marks + ")")) {
            ps.setObject(1, requestId);
            int i = 2;
            for (String t : eventTypes) {
                ps.setString(i++, t);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(id);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read audit events: " + e.getMessage(), e);
        }
    }

    /** The sequence number of a committed event, or empty while it is not chained yet (or unknown). */
    public OptionalLong sequenceOf(long eventId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT seq FROM audit_event WHERE id = ?")) {
            ps.setLong(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long seq = rs.getLong(1);
                    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(seq);
                }
                return OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit event: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the (committed) event is chained and returns its sequence number. Call it
     * after the recording transaction committed, never inside it. Throws a 503 problem when
     * the sequencer did not chain it within {@code max}.
     */
    public long awaitSequence(long eventId, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            OptionalLong seq = sequenceOf(eventId);
            if (seq.isPresent()) {
                return seq.getAsLong();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ProblemException(503, "audit-sequencing-delayed", "Audit trail delayed",
                        "Audit event " + eventId + " was not chained within " + max.toMillis() + " ms; retry shortly.",
                        List.of(), Map.of("Retry-After", "1"));
            }
            sequencer.wake();
            try {
                // Short waits: another replica's sequencer may chain the event without notifying us.
                sequencer.awaitProgress(Math.min(nanosToMillis(left), 50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the audit sequencer", e);
            }
        }
    }

    private static long nanosToMillis(long nanos) {
        return Math.max(1, nanos / 1_000_000);
    }
}
