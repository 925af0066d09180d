package io.countersign.notify;

import io.countersign.action.ActionStatusChanged;
import io.countersign.action.DecisionWaiters;
import io.countersign.identity.AgentCache;
import io.countersign.identity.AgentChanged;
import io.countersign.review.InboxChanged;
import io.countersign.review.ReviewService;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
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
 * Long-poll wake-ups and live updates across replicas on PostgreSQL: a status change sends
 * {@code NOTIFY} inside its own transaction (PostgreSQL delivers it only if that transaction
 * commits), and one listening connection per replica turns each notification into
 * {@link DecisionWaiters#wake} and a {@link ReplicaActionStatusChanged} event; an agent-registry
 * change is sent the same way and drops that agent from every replica's {@link AgentCache}, and an
 * inbox change ({@link InboxChangePayload}) reaches the live-update streams of the other replicas
 * as a {@link ReplicaInboxChanged}. Inactive on H2, where there is only ever one replica.
 */
@ApplicationScoped
public class PostgresNotifications {

    @Inject
    DataSource dataSource;

    @Inject
    NotifyConfig config;

    @Inject
    DecisionWaiters waiters;

    @Inject
    Event<ReplicaActionStatusChanged> replicaEvents;

    @Inject
    Event<ReplicaInboxChanged> replicaInboxEvents;

    @Inject
    AgentCache agents;

    @Inject
    ReviewService review;

    /** Payload prefix of an agent-registry change; other payloads are request ids or inbox changes. */
    static final String AGENT_PREFIX = "agent:";

    /** Tells this replica's own inbox notifications (already delivered locally) from the others'. */
    private final String replicaId = UUID.randomUUID().toString();

    private volatile boolean active;
    private volatile boolean listening;
    private volatile boolean running;
    private Thread listener;

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
            running = true;
            listener = new Thread(this::listen, "pg-notify-listener");
            listener.setDaemon(true);
            listener.start();
        }
    }

    /**
     * Stops the listener and waits for it (at most one listen timeout plus a second), so it gives
     * its connection back before the pool shuts down: otherwise the pool closes the connection
     * under it and logs a warning on every orderly shutdown.
     */
    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(config.listenTimeout().toMillis() + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** This replica's id in the inbox notifications it sends. */
    String replicaId() {
        return replicaId;
    }

    /** True once the listener has issued LISTEN (and until its connection breaks). */
    public boolean listening() {
        return listening;
    }

    /**
     * Sends the NOTIFY in the transaction of the change (synchronous observer, IN_PROGRESS).
     * A request that is being created ({@code from == null}) is skipped: nobody can wait for an
     * id that has not been returned yet, and the inbox learns about review tasks from the
     * engine, not from this event. That keeps the NOTIFY off the fast path.
     */
    void onStatusChanged(@Observes(during = TransactionPhase.IN_PROGRESS) ActionStatusChanged change) {
        if (change.from() != null) {
            send(change.requestId().toString());
        }
    }

    /** Tells the other replicas to drop their cached registry entry for the changed agent. */
    void onAgentChanged(@Observes(during = TransactionPhase.IN_PROGRESS) AgentChanged change) {
        send(AGENT_PREFIX + change.agentId());
    }

    /**
     * Sends an inbox change to the other replicas' live-update streams, in the transaction of the
     * change. Only the review path fires it, so auto-approved and denied submissions send nothing.
     */
    void onInboxChanged(@Observes(during = TransactionPhase.IN_PROGRESS) InboxChanged change) {
        if (!active) {
            return;
        }
        String payload = InboxChangePayload.encode(replicaId, change);
        if (payload == null) {
            Log.warnf("inbox change %s of request %s does not fit a notification; other replicas' reviewers see it on reload",
                    change.kind(), change.requestId());
            return;
        }
        send(payload);
    }

    private void send(String payload) {
        if (!active) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, config.channel());
            ps.setString(2, payload);
            ps.execute();
        } catch (SQLException e) {
            // A lost notification costs only latency (waiters re-read state on their timeout,
            // cached agents expire after their TTL), so it must never fail the transaction.
            Log.warnf("NOTIFY %s failed: %s", payload, e.getMessage());
        }
    }

    private void listen() {
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN \"" + config.channel().replace("\"", "") + "\"");
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening = true;
                Log.infof("listening for cross-replica notifications on channel %s", config.channel());
                while (running) {
                    PGNotification[] notifications = pg.getNotifications((int) config.listenTimeout().toMillis());
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification notification : notifications) {
                        deliver(notification.getParameter());
                    }
                }
            } catch (SQLException e) {
                listening = false;
                if (running) {
                    Log.warnf("notification listener lost its connection, reconnecting: %s", e.getMessage());
                    sleep();
                }
            }
        }
        listening = false;
    }

    private void deliver(String payload) {
        if (payload.startsWith(AGENT_PREFIX)) {
            agents.invalidate(payload.substring(AGENT_PREFIX.length()));
            return;
        }
        if (payload.startsWith(InboxChangePayload.PREFIX)) {
            deliverInboxChange(payload);
            return;
        }
        UUID requestId;
        try {
            requestId = UUID.fromString(payload);
        } catch (IllegalArgumentException e) {
            Log.debugf("ignoring notification with payload %s", payload);
            return;
        }
        waiters.wake(requestId);
        try {
            replicaEvents.fire(new ReplicaActionStatusChanged(requestId));
        } catch (RuntimeException e) {
            Log.warnf("observer of ReplicaActionStatusChanged failed: %s", e.getMessage());
        }
    }

    private void deliverInboxChange(String payload) {
        InboxChangePayload.Decoded decoded;
        try {
            decoded = InboxChangePayload.decode(payload);
        } catch (IllegalArgumentException e) {
            Log.warnf("ignoring malformed inbox notification: %s", e.getMessage());
            return;
        }
        if (decoded.replicaId().equals(replicaId)) {
            return; // this replica's own change: its streams had it when it committed
        }
        try {
            InboxChanged sent = decoded.change();
            InboxChanged change = !decoded.groupsOmitted() ? sent : new InboxChanged(sent.requestId(), sent.taskKey(),
                    sent.kind(), QuarkusTransaction.requiringNew().call(() -> review.groupsOf(sent.taskKey())), sent.assignee());
            replicaInboxEvents.fire(new ReplicaInboxChanged(change));
        } catch (RuntimeException e) {
            Log.warnf("delivering inbox notification of request %s failed: %s", decoded.change().requestId(), e.getMessage());
        }
    }

    private void sleep() {
        try {
            Thread.sleep(config.reconnectDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
