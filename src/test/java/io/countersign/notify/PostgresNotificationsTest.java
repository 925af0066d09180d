package io.countersign.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.countersign.action.ActionStatus;
import io.countersign.action.ActionStatusChanged;
import io.countersign.common.Actor;
import io.countersign.action.DecisionWaiters;
import io.countersign.identity.AgentCache;
import io.countersign.identity.RegisteredAgent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Cross-replica wake-ups over PostgreSQL LISTEN/NOTIFY. A NOTIFY sent from another connection
 * (as another replica would) wakes a long-poll waiter here; a status change notifies only when
 * its transaction commits. On H2 the listener stays off.
 */
@QuarkusTest
class PostgresNotificationsTest {

    /** Records what the listener turned into events (a singleton: its field is read directly, not via a proxy). */
    @Singleton
    static class Recorder {
        final Set<UUID> seen = ConcurrentHashMap.newKeySet();

        void on(@Observes ReplicaActionStatusChanged event) {
            seen.add(event.requestId());
        }
    }

    @Inject
    PostgresNotifications notifications;

    @Inject
    DecisionWaiters waiters;

    @Inject
    NotifyConfig config;

    @Inject
    DataSource dataSource;

    @Inject
    Event<ActionStatusChanged> statusChanged;

    @Inject
    Recorder recorder;

    @Inject
    AgentCache agentCache;

    private boolean onPostgres() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
        }
    }

    private void requirePostgres() throws SQLException {
        Assumptions.assumeTrue(onPostgres(), "LISTEN/NOTIFY exists only on PostgreSQL (the pg test run)");
        await().atMost(Duration.ofSeconds(20)).until(notifications::listening);
    }

    /** A NOTIFY from a connection outside this application, as another replica sends it. */
    private void notifyFromAnotherReplica(UUID requestId) throws SQLException {
        notifyFromAnotherReplica(requestId.toString());
    }

    private void notifyFromAnotherReplica(String payload) throws SQLException {
        String url = System.getProperty("countersign.test.pg-url");
        String user = System.getProperty("countersign.test.pg-user", "postgres");
        try (Connection other = DriverManager.getConnection(url, user, "");
                Statement st = other.createStatement()) {
            st.execute("NOTIFY " + config.channel() + ", '" + payload + "'");
        }
    }

    @Test
    void onH2TheListenerStaysOff() throws SQLException {
        Assumptions.assumeFalse(onPostgres(), "this run uses PostgreSQL");
        assertThat(notifications.listening()).isFalse();
    }

    @Test
    void aNotifyFromAnotherReplicaWakesALongPollWaiter() throws Exception {
        requirePostgres();
        UUID requestId = UUID.randomUUID();
        CompletableFuture<Void> waiter = waiters.register(requestId);

        notifyFromAnotherReplica(requestId);

        await().atMost(Duration.ofSeconds(20)).until(waiter::isDone);
        assertThat(recorder.seen).contains(requestId);
    }

    @Test
    void aCommittedStatusChangeNotifiesEveryReplica() throws Exception {
        requirePostgres();
        UUID requestId = UUID.randomUUID();

        QuarkusTransaction.requiringNew().run(() -> statusChanged.fire(new ActionStatusChanged(requestId, "agent-n",
                ActionStatus.values()[0], ActionStatus.values()[1], Actor.system("test"), Map.of())));

        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.seen.contains(requestId));
    }

    @Test
    void aRolledBackStatusChangeNotifiesNobody() throws Exception {
        requirePostgres();
        UUID rolledBack = UUID.randomUUID();
        UUID later = UUID.randomUUID();

        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            statusChanged.fire(new ActionStatusChanged(rolledBack, "agent-n", ActionStatus.values()[0],
                    ActionStatus.values()[1], Actor.system("test"), Map.of()));
            throw new IllegalStateException("the change fails after the event");
        }));
        notifyFromAnotherReplica(later);

        // PostgreSQL delivers notifications in commit order: once the later one arrived, the
        // rolled-back one would have arrived before it had it been sent.
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.seen.contains(later));
        assertThat(recorder.seen).doesNotContain(rolledBack);
    }

    @Test
    void aRequestBeingCreatedSendsNoNotify() throws Exception {
        requirePostgres();
        UUID created = UUID.randomUUID();
        UUID later = UUID.randomUUID();

        QuarkusTransaction.requiringNew().run(() -> statusChanged.fire(new ActionStatusChanged(created, "agent-n",
                null, ActionStatus.APPROVED, Actor.system("test"), Map.of())));
        notifyFromAnotherReplica(later);

        // Delivered in commit order: had the creation been sent, it would have arrived first.
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.seen.contains(later));
        assertThat(recorder.seen).doesNotContain(created);
    }

    @Test
    void anAgentChangeOnAnotherReplicaDropsTheCachedRegistryEntry() throws Exception {
        requirePostgres();
        String id = "cached-" + UUID.randomUUID().toString().substring(0, 8);
        RegisteredAgent before = new RegisteredAgent(id, "bot", "owner", List.of("payment.transfer"), List.of(),
                List.of("sandbox"), 1, 1);
        RegisteredAgent after = new RegisteredAgent(id, "bot", "owner", List.of("code.push"), List.of(),
                List.of("sandbox"), 1, 1);
        agentCache.get(id, () -> before);
        assertThat(agentCache.get(id, () -> after)).isSameAs(before); // cached (the test TTL is an hour)

        notifyFromAnotherReplica(PostgresNotifications.AGENT_PREFIX + id);

        await().atMost(Duration.ofSeconds(20)).until(() -> agentCache.get(id, () -> after) == after);
    }
}
