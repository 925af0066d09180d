package io.countersign.notification;

import io.countersign.common.delivery.DeliveryTable;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code notification_delivery} table (one row per message to one person on one channel) and
 * {@code notification_recipient} (who was asked to review a request, so its end is told to them).
 * Writes join the caller's transaction.
 */
@ApplicationScoped
public class NotificationStore extends DeliveryTable {

    NotificationStore() {
        super("notification_delivery");
    }

    /** Who was asked to review a request: a person's address (e-mail) or a group (its channel). */
    record Recipient(String channel, String target, String email) {
    }

    /** Remembers that {@code target} was asked to review {@code requestId} on {@code channel}. */
    void recordRecipient(UUID requestId, Recipient who) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO notification_recipient (request_id, channel, target, email, created_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT DO NOTHING")) {
            ps.setObject(1, requestId);
            ps.setString(2, who.channel());
            ps.setString(3, who.target());
            ps.setString(4, who.email());
            ps.setObject(5, now());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write notification_recipient", e);
        }
    }

    /** Everyone who was asked to review {@code requestId}, in the order they were first asked. */
    List<Recipient> recipients(UUID requestId) {
        List<Recipient> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT channel, target, email FROM notification_recipient WHERE request_id = ? "
                        + "ORDER BY created_at, channel, target")) {
            ps.setObject(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Recipient(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read notification_recipient", e);
        }
        return out;
    }
}
