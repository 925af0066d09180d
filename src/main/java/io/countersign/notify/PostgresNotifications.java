package io.countersign.notify;

import io.countersign.common.background.BackgroundLoop;
import io.countersign.common.background.BackgroundLoop.Next;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The transport between replicas on PostgreSQL, knowing no feature: {@link #publish} sends a
 * {@code NOTIFY} inside the caller's transaction (PostgreSQL delivers it only if that
 * transaction commits), and one listening connection per replica fires every notification that
 * arrives, its own included, as a {@link ReplicaNotification}; the features that published
 * them observe them (long-poll wake-ups, the agent cache, inbox live updates). Inactive on H2,
 * where there is only ever one replica and the features' in-process events (observed after
 * commit) are the whole story.
 */
@ApplicationScoped
public class PostgresNotifications {

    @Inject
    DataSource dataSource;

    @Inject
    NotifyConfig config;

    @Inject
    Event<ReplicaNotification> received;

    @Inject
    MeterRegistry registry;

    /** Lets a feature tell its own notifications (already handled locally) from the other replicas'. */
    private final String replicaId = UUID.randomUUID().toString();

    private volatile boolean active;
    private volatile boolean listening;
    private BackgroundLoop listener;
    /** The listening connection, kept between the listener's steps; touched by the listener thread only. */
    private Connection session;

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            active = "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            Log.warnf("cannot tell the database kind, cross-replica notifications off: %s", e.getMessage());
            return;
        }
        if (active) {
            // Each step waits up to one listen timeout for notifications, so a stop is seen within it.
            listener = BackgroundLoop.named("pg-notify-listener").metrics(registry).poll(config.listenTimeout())
                    .backoff(config.reconnectDelay(), config.reconnectDelay())
                    .stopTimeout(config.listenTimeout().plusSeconds(1))
                    .onExit(this::closeSession)
                    .build(this::receive);
            listener.start();
        }
    }

    /**
     * Stops the listener and waits for it (at most one listen timeout plus a second), so it gives
     * its connection back before the pool shuts down: otherwise the pool closes the connection
     * under it and logs a warning on every orderly shutdown.
     */
    void onStop(@Observes ShutdownEvent event) {
        if (listener != null) {
            listener.stop();
        }
    }

    /** This replica's id, for features that put it into their payloads. */
    public String replicaId() {
        return replicaId;
    }

    /** True when notifications cross replicas (PostgreSQL, enabled); {@link #publish} does nothing otherwise. */
    public boolean active() {
        return active;
    }

    /** True once the listener has issued LISTEN (and until its connection breaks). */
    public boolean listening() {
        return listening;
    }

    /**
     * Sends {@code payload} to every replica, this one included, when the caller's transaction
     * commits (call it inside that transaction). Failures are logged, never thrown: a lost
     * notification costs only latency (waiters re-read state on their timeout, cached agents
     * expire after their TTL), so it must never fail the transaction.
     */
    public void publish(String payload) {
        if (!active) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, config.channel());
            ps.setString(2, payload);
            ps.execute();
        } catch (SQLException e) {
            Log.warnf("NOTIFY %s failed: %s", payload, e.getMessage());
        }
    }

    /** Listens (reconnecting after a broken connection) and fires what arrived within one listen timeout. */
    private Next receive() throws SQLException {
        try {
            if (session == null) {
                session = dataSource.getConnection();
                session.setAutoCommit(true);
                try (Statement st = session.createStatement()) {
                    st.execute("LISTEN \"" + config.channel().replace("\"", "") + "\"");
                }
                listening = true;
                Log.infof("listening for cross-replica notifications on channel %s", config.channel());
            }
            PGNotification[] notifications = session.unwrap(PGConnection.class)
                    .getNotifications((int) config.listenTimeout().toMillis());
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    deliver(notification.getParameter());
                }
            }
            return Next.more();
        } catch (SQLException | RuntimeException e) {
            closeSession();
            throw e;
        }
    }

    private void deliver(String payload) {
        try {
            received.fire(new ReplicaNotification(payload));
        } catch (RuntimeException e) {
            Log.warnf("an observer of notification %s failed: %s", payload, e.getMessage());
        }
    }

    private void closeSession() {
        listening = false;
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                Log.debugf("closing the listening connection failed: %s", e.getMessage());
            }
            session = null;
        }
    }
}
