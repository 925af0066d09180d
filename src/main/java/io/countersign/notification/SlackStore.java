package io.countersign.notification;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Slack's tables: posted messages, linked users, handled interactivity requests (V121__slack.sql). */
@ApplicationScoped
public class SlackStore {

    /** A message the bot posted about a request. */
    record Posted(String channelId, String ts, Long taskKey) {
    }

    @Inject
    DataSource dataSource;

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    void posted(String channelId, String ts, UUID requestId, Long taskKey) {
        update("INSERT INTO slack_message (channel_id, ts, request_id, task_key, closed, created_at) VALUES (?, ?, ?, ?, FALSE, ?) "
                + "ON CONFLICT DO NOTHING", channelId, ts, requestId, taskKey, now());
    }

    /** The request's messages in a channel still showing buttons, oldest first. */
    List<Posted> open(UUID requestId, String channelId) {
        List<Posted> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT channel_id, ts, "
                + "task_key FROM slack_message WHERE request_id = ? AND channel_id = ? AND closed = FALSE ORDER BY created_at")) {
            ps.setObject(1, requestId);
            ps.setString(2, channelId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long key = rs.getLong(3);
                    out.add(new Posted(rs.getString(1), rs.getString(2), rs.wasNull() ? null : key));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    void closed(String channelId, String ts) {
        update("UPDATE slack_message SET closed = TRUE WHERE channel_id = ? AND ts = ?", channelId, ts);
    }

    /** The Countersign person a Slack user is linked to. */
    Optional<String> linkedUser(String teamId, String slackUserId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT user_id FROM slack_link WHERE team_id = ? AND slack_user_id = ?")) {
            ps.setString(1, teamId);
            ps.setString(2, slackUserId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Links (or re-links) a Slack user to {@code userId}; returns the person it was linked to before, if another. */
    Optional<String> link(String teamId, String slackUserId, String userId) {
        Optional<String> before = linkedUser(teamId, slackUserId);
        if (before.isPresent()) {
            update("UPDATE slack_link SET user_id = ?, linked_at = ? WHERE team_id = ? AND slack_user_id = ?", userId, now(),
                    teamId, slackUserId);
        } else {
            update("INSERT INTO slack_link (team_id, slack_user_id, user_id, linked_at) VALUES (?, ?, ?, ?)", teamId,
                    slackUserId, userId, now());
        }
        return before.filter(b -> !b.equals(userId));
    }

    /**
     * Records an interactivity request's signature; false when it was seen before (a replay).
     * Signatures older than {@code window} are forgotten: Slack's timestamp check refuses them anyway.
     */
    boolean firstSeen(String signature, Duration window) {
        update("DELETE FROM slack_seen WHERE seen_at < ?", now().minus(window.multipliedBy(2)));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO slack_seen (signature, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, signature);
            ps.setObject(2, now());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
