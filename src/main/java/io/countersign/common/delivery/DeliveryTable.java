package io.countersign.common.delivery;

import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * SQL of one delivery table (the engine's {@code outbox_command}, the reviewers'
 * {@code notification_delivery}; both have the columns of V60__outbox.sql). {@link #insert} joins
 * the caller's transaction (the datasource enlists in JTA); every other statement is a single
 * auto-committed statement whose WHERE clause carries the state check, so claims and transitions
 * are atomic across replicas.
 */
public abstract class DeliveryTable {

    /** A claimed row, ready to deliver. */
    public record Claimed(long id, String dedupKey, String orderingKey, String type, String payload,
            int attempts) {
    }

    /** One row as read back (the payload raw: the owner decides what of it to show). */
    public record Row(long id, String dedupKey, String orderingKey, String type, String payload, DeliveryStatus status,
            int attempts, OffsetDateTime nextAttemptAt, String lastError, Long resultKey, String outcome,
            OffsetDateTime createdAt, OffsetDateTime deliveredAt) {
    }

    @Inject
    protected DataSource dataSource;

    private final String table;

    public Clock clock = Clock.systemUTC();

    protected DeliveryTable(String table) {
        this.table = table;
    }

    public OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** Inserts a PENDING row, due now, unless one with the dedup key exists; returns the row id either way. */
    public long insert(String dedupKey, String orderingKey, String type, String payload) {
        return insert(dedupKey, orderingKey, type, payload, null);
    }

    /** Inserts a PENDING row due at {@code notBefore} (null: now) unless one with the dedup key exists. */
    public long insert(String dedupKey, String orderingKey, String type, String payload, OffsetDateTime notBefore) {
        try (Connection c = dataSource.getConnection()) {
            OffsetDateTime now = now();
            // ON CONFLICT DO NOTHING (PostgreSQL, and H2 in PostgreSQL mode) keeps a duplicate from
            // aborting the caller's transaction the way a unique violation would on PostgreSQL.
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (dedup_key, ordering_key, "
                    + "command_type, payload, status, attempts, next_attempt_at, created_at) "
                    + "VALUES (?, ?, ?, ?, 'PENDING', 0, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, dedupKey);
                insert.setString(2, orderingKey);
                insert.setString(3, type);
                insert.setString(4, payload);
                insert.setObject(5, notBefore == null ? now : notBefore);
                insert.setObject(6, now);
                insert.executeUpdate();
            }
            try (PreparedStatement find = c.prepareStatement("SELECT id FROM " + table + " WHERE dedup_key = ?")) {
                find.setString(1, dedupKey);
                try (ResultSet rs = find.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException(table + " row for " + dedupKey + " vanished");
                    }
                    return rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not write " + table, e);
        }
    }

    /**
     * Claims up to {@code limit} due rows for {@code owner}: PENDING, due, not claimed by a live
     * claim, and first undelivered row of their ordering key (so commands of one request run in
     * order and a parked row holds back the rows behind it).
     */
    public List<Claimed> claimDue(String owner, int limit, Duration claimTimeout) {
        OffsetDateTime now = now();
        List<Long> candidates = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement select = c.prepareStatement("SELECT o.id FROM " + table + " o "
                    + "WHERE o.status = 'PENDING' AND o.next_attempt_at <= ? "
                    + "AND (o.claimed_until IS NULL OR o.claimed_until < ?) "
                    + "AND (o.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM " + table + " p "
                    + "WHERE p.ordering_key = o.ordering_key AND p.id < o.id AND p.status <> 'DELIVERED')) "
                    // Oldest due first: ordering by id alone lets a block of fast-retrying rows
                    // starve every row behind it while the engine is down.
                    + "ORDER BY o.next_attempt_at, o.id LIMIT ?")) {
                select.setObject(1, now);
                select.setObject(2, now);
                select.setInt(3, limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(rs.getLong(1));
                    }
                }
            }
            List<Claimed> claimed = new ArrayList<>();
            for (long id : candidates) {
                try (PreparedStatement claim = c.prepareStatement("UPDATE " + table + " SET claimed_by = ?, "
                        + "claimed_until = ? WHERE id = ? AND status = 'PENDING' "
                        + "AND (claimed_until IS NULL OR claimed_until < ?)")) {
                    claim.setString(1, owner);
                    claim.setObject(2, now.plus(claimTimeout));
                    claim.setLong(3, id);
                    claim.setObject(4, now);
                    if (claim.executeUpdate() != 1) {
                        continue; // another replica won the row
                    }
                }
                try (PreparedStatement read = c.prepareStatement("SELECT dedup_key, ordering_key, command_type, "
                        + "payload, attempts FROM " + table + " WHERE id = ?")) {
                    read.setLong(1, id);
                    try (ResultSet rs = read.executeQuery()) {
                        if (rs.next()) {
                            claimed.add(new Claimed(id, rs.getString(1), rs.getString(2),
                                    rs.getString(3), rs.getString(4), rs.getInt(5)));
                        }
                    }
                }
            }
            return claimed;
        } catch (SQLException e) {
            throw new IllegalStateException("could not claim rows of " + table, e);
        }
    }

    /** Marks a claimed row delivered; false when the claim was lost (another replica took over). */
    public boolean markDelivered(long id, String owner, Long resultKey, String outcome) {
        return update("UPDATE " + table + " SET status = 'DELIVERED', delivered_at = ?, result_key = ?, "
                + "outcome = ?, claimed_by = NULL, claimed_until = NULL, attempts = attempts + 1 "
                + "WHERE id = ? AND claimed_by = ? AND status = 'PENDING'", ps -> {
                    ps.setObject(1, now());
                    if (resultKey == null) {
                        ps.setNull(2, Types.BIGINT);
                    } else {
                        ps.setLong(2, resultKey);
                    }
                    ps.setString(3, truncate(outcome, 300));
                    ps.setLong(4, id);
                    ps.setString(5, owner);
                }) == 1;
    }

    /** Records a failed attempt: back to PENDING at {@code nextAttempt}, or PARKED. */
    public boolean markFailed(long id, String owner, String error, boolean park, OffsetDateTime nextAttempt) {
        return update("UPDATE " + table + " SET status = ?, attempts = attempts + 1, last_error = ?, "
                + "next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL "
                + "WHERE id = ? AND claimed_by = ? AND status = 'PENDING'", ps -> {
                    ps.setString(1, park ? DeliveryStatus.PARKED.name() : DeliveryStatus.PENDING.name());
                    ps.setString(2, truncate(error, 2000));
                    ps.setObject(3, nextAttempt);
                    ps.setLong(4, id);
                    ps.setString(5, owner);
                }) == 1;
    }

    /** Puts a PARKED row back to PENDING with a fresh attempt budget; false when it is not parked. */
    public boolean retryParked(long id) {
        return update("UPDATE " + table + " SET status = 'PENDING', attempts = 0, next_attempt_at = ? "
                + "WHERE id = ? AND status = 'PARKED'", ps -> {
                    ps.setObject(1, now());
                    ps.setLong(2, id);
                }) == 1;
    }

    /** Retries every parked row; returns how many. */
    public int retryAllParked() {
        return update("UPDATE " + table + " SET status = 'PENDING', attempts = 0, next_attempt_at = ? "
                + "WHERE status = 'PARKED'", ps -> ps.setObject(1, now()));
    }

    /** The result key of a delivered row, by dedup key. */
    public Optional<Long> resultKeyOf(String dedupKey) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT result_key FROM " + table + " "
                        + "WHERE dedup_key = ? AND status = 'DELIVERED'")) {
            ps.setString(1, dedupKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long key = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(key);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read " + table, e);
        }
    }

    /** Rows per status. */
    public Map<DeliveryStatus, Long> counts() {
        Map<DeliveryStatus, Long> counts = new EnumMap<>(DeliveryStatus.class);
        for (DeliveryStatus s : DeliveryStatus.values()) {
            counts.put(s, 0L);
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT status, COUNT(*) FROM " + table + " GROUP BY status")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(DeliveryStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new IllegalStateException("could not count the outbox", e);
        }
    }

    /** Rows, newest first, optionally of one status. */
    public List<Row> rows(DeliveryStatus status, int limit) {
        return status == null ? select("", List.of(), limit) : select("WHERE status = ? ", List.of(status.name()), limit);
    }

    /** One row, or empty. */
    public Optional<Row> row(long id) {
        return select("WHERE id = ? ", List.of(id), 1).stream().findFirst();
    }

    private List<Row> select(String where, List<Object> params, int limit) {
        String sql = "SELECT id, dedup_key, ordering_key, command_type, payload, status, attempts, next_attempt_at, "
                + "last_error, result_key, outcome, created_at, delivered_at FROM " + table + " " + where
                + "ORDER BY id DESC LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object param : params) {
                ps.setObject(i++, param);
            }
            ps.setInt(i, limit);
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long result = rs.getLong(10);
                    Long resultKey = rs.wasNull() ? null : result;
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            DeliveryStatus.valueOf(rs.getString(6)), rs.getInt(7),
                            rs.getObject(8, OffsetDateTime.class), rs.getString(9), resultKey, rs.getString(11),
                            rs.getObject(12, OffsetDateTime.class), rs.getObject(13, OffsetDateTime.class)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list " + table, e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update " + table, e);
        }
    }

    private static String truncate(String text, int max) {
        if (text == null) {
            return null;
        }
        return text.length() <= max ? text : text.substring(0, max);
    }
}
