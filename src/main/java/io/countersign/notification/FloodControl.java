package io.countersign.notification;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * No flood (docs/notifications.md, "No flood"): per channel and recipient, the first
 * {@code digest.threshold} asks of a {@code digest.window} are sent and the rest held back for one
 * digest at the window's end; one reminder per step and recipient per
 * {@code reminder-min-interval}; quiet hours per group. Counted in the asking transaction, so
 * concurrent bursts may send a few more than the threshold, never unboundedly many.
 */
@ApplicationScoped
public class FloodControl {

    /** What to do with one ask. */
    enum Admission {
        SEND, HOLD, HOLD_FIRST
    }

    @Inject
    DataSource dataSource;

    @Inject
    NotificationConfig config;

    /** The start of the digest window {@code now} is in. */
    OffsetDateTime windowStart(OffsetDateTime now) {
        long w = config.digest().window().toMillis();
        long start = Math.floorDiv(now.toInstant().toEpochMilli(), w) * w;
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(start), ZoneOffset.UTC);
    }

    /** Counts one ask to {@code recipient} on {@code channel}; HOLD_FIRST is the first held back in its window. */
    Admission admit(String channel, String recipient, OffsetDateTime now) {
        OffsetDateTime window = windowStart(now);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notification_burst (channel, recipient, window_start, "
                    + "sent, held) VALUES (?, ?, ?, 0, 0) ON CONFLICT DO NOTHING")) {
                ps.setString(1, channel);
                ps.setString(2, recipient);
                ps.setObject(3, window);
                ps.executeUpdate();
            }
            int sent;
            int held;
            try (PreparedStatement ps = c.prepareStatement("SELECT sent, held FROM notification_burst WHERE channel = ? "
                    + "AND recipient = ? AND window_start = ? FOR UPDATE")) {
                ps.setString(1, channel);
                ps.setString(2, recipient);
                ps.setObject(3, window);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    sent = rs.getInt(1);
                    held = rs.getInt(2);
                }
            }
            boolean send = sent < config.digest().threshold();
            try (PreparedStatement ps = c.prepareStatement("UPDATE notification_burst SET " + (send ? "sent = sent + 1"
                    : "held = held + 1") + " WHERE channel = ? AND recipient = ? AND window_start = ?")) {
                ps.setString(1, channel);
                ps.setString(2, recipient);
                ps.setObject(3, window);
                ps.executeUpdate();
            }
            return send ? Admission.SEND : held == 0 ? Admission.HOLD_FIRST : Admission.HOLD;
        } catch (SQLException e) {
            throw new IllegalStateException("could not count notifications", e);
        }
    }

    /** How many asks were held back in a window (the digest's number). */
    int held(String channel, String recipient, OffsetDateTime window) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT held FROM "
                + "notification_burst WHERE channel = ? AND recipient = ? AND window_start = ?")) {
            ps.setString(1, channel);
            ps.setString(2, recipient);
            ps.setObject(3, window);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a reminder about {@code taskKey} may go to {@code recipient} now (and records it if so). */
    boolean remind(String channel, String recipient, long taskKey, OffsetDateTime now) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE notification_reminder SET last_at = ? WHERE channel = ? "
                    + "AND recipient = ? AND task_key = ? AND last_at <= ?")) {
                ps.setObject(1, now);
                ps.setString(2, channel);
                ps.setString(3, recipient);
                ps.setLong(4, taskKey);
                ps.setObject(5, now.minus(config.reminderMinInterval()));
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notification_reminder (channel, recipient, task_key, "
                    + "last_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, channel);
                ps.setString(2, recipient);
                ps.setLong(3, taskKey);
                ps.setObject(4, now);
                return ps.executeUpdate() == 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Until when messages for {@code groups} wait: the earliest end of their quiet hours when
     * every one of them is quiet now, else empty (a group awake somewhere is told at once).
     */
    Optional<OffsetDateTime> quietUntil(Set<String> groups, OffsetDateTime now) {
        if (groups.isEmpty()) {
            return Optional.empty();
        }
        ZoneId zone = ZoneId.of(config.timeZone());
        OffsetDateTime earliest = null;
        for (String g : groups) {
            NotificationConfig.Route r = config.routes().get(g);
            Optional<OffsetDateTime> end = r == null ? Optional.empty() : r.quietHours().flatMap(q -> quietEnd(q, now, zone));
            if (end.isEmpty()) {
                return Optional.empty();
            }
            earliest = earliest == null || end.get().isBefore(earliest) ? end.get() : earliest;
        }
        return Optional.of(earliest);
    }

    /** The end of the quiet period {@code spec} ({@code HH:mm-HH:mm}) that {@code now} is in, if any. */
    static Optional<OffsetDateTime> quietEnd(String spec, OffsetDateTime now, ZoneId zone) {
        String[] p = spec.strip().split("-");
        LocalTime from = LocalTime.parse(p[0].strip());
        LocalTime to = LocalTime.parse(p[1].strip());
        ZonedDateTime local = now.atZoneSameInstant(zone);
        LocalTime t = local.toLocalTime();
        boolean overnight = from.isAfter(to);
        boolean quiet = overnight ? !t.isBefore(from) || t.isBefore(to) : !t.isBefore(from) && t.isBefore(to);
        if (!quiet) {
            return Optional.empty();
        }
        ZonedDateTime end = local.with(to);
        if (!end.isAfter(local)) {
            end = end.plusDays(1);
        }
        return Optional.of(end.toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** Why a quiet-hours value is unusable, or null. */
    static String quietProblem(String spec) {
        try {
            String[] p = spec.strip().split("-");
            if (p.length != 2) {
                return "must be HH:mm-HH:mm";
            }
            LocalTime.parse(p[0].strip());
            LocalTime.parse(p[1].strip());
            return p[0].strip().equals(p[1].strip()) ? "must not start and end at the same time" : null;
        } catch (RuntimeException e) {
            return "must be HH:mm-HH:mm";
        }
    }

    Duration window() {
        return config.digest().window();
    }
}
