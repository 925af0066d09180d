package io.countersign.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.countersign.action.ActionStatus;
import io.countersign.action.ActionStatusChanged;
import io.countersign.common.Actor;
import io.countersign.action.DecisionWaiters;
import io.countersign.action.ReplicaActionStatusChanged;
import io.countersign.identity.AgentCache;
import io.countersign.identity.AgentNotifications;
import io.countersign.identity.RegisteredAgent;
import io.countersign.inbox.InboxChangePayload;
import io.countersign.inbox.InboxEvents;
import io.countersign.review.InboxChanged;
import io.countersign.review.ReviewFixture;
import io.countersign.review.Views.Reviewer;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Cross-replica wake-ups over PostgreSQL LISTEN/NOTIFY. A NOTIFY sent from another connection
 * (as another replica would) wakes a long-poll waiter here or reaches the inbox live-update
 * streams; a status change notifies only when its transaction commits. On H2 the listener stays
 * off. (ReplicasIT runs two real application instances on one database.)
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

    @Inject
    Event<InboxChanged> inboxChanged;

    @Inject
    InboxEvents inboxEvents;

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

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

        notifyFromAnotherReplica(AgentNotifications.PREFIX + id);

        await().atMost(Duration.ofSeconds(20)).until(() -> agentCache.get(id, () -> after) == after);
    }

    // ------------------------------------------------------------------ inbox live updates

    /** A replica id that is not this application's. */
    private static final String OTHER_REPLICA = UUID.randomUUID().toString();

    private static String inboxPayload(String replica, UUID requestId, String kind, String... groups) {
        return InboxChangePayload.encode(replica, new InboxChanged(requestId, 42, kind, Set.of(groups), null));
    }

    /** The lines a reviewer's live-update stream emits (keep-alives left out), until cancelled. */
    private record Stream(Queue<String> lines, Cancellable subscription) {

        long count(String line) {
            return lines.stream().filter(line::equals).count();
        }
    }

    private Stream stream(String user, String... groups) {
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        Cancellable c = inboxEvents.stream(new Reviewer(user, Set.of(groups))).subscribe().with(l -> {
            if (!l.equals("keep-alive")) {
                lines.add(l);
            }
        });
        return new Stream(lines, c);
    }

    /** A LISTEN on the channel from outside the application, to see what it sends. */
    private Connection rawListener() throws SQLException {
        Connection c = DriverManager.getConnection(System.getProperty("countersign.test.pg-url"),
                System.getProperty("countersign.test.pg-user", "postgres"), "");
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + config.channel());
        }
        return c;
    }

    /** The payloads {@code listener} receives up to and including {@code last}. */
    private static List<String> payloadsUntil(Connection listener, String last) throws SQLException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!seen.contains(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no notification " + last + " within 20 s; saw " + seen);
            }
            PGNotification[] n = listener.unwrap(PGConnection.class).getNotifications(500);
            if (n != null) {
                for (PGNotification x : n) {
                    seen.add(x.getParameter());
                }
            }
        }
        return seen;
    }

    @Test
    void anInboxChangeOnAnotherReplicaReachesTheReviewersOfItsGroupsHere() throws Exception {
        requirePostgres();
        UUID requestId = UUID.randomUUID();
        Stream member = stream("rita", "replica-dba");
        Stream outsider = stream("otto", "replica-sre");
        try {
            notifyFromAnotherReplica("inbox:" + OTHER_REPLICA + ":created:garbage");
            notifyFromAnotherReplica(inboxPayload(OTHER_REPLICA, requestId, "created", "replica-dba"));

            await().atMost(Duration.ofSeconds(20)).until(() -> member.count("created " + requestId) == 1);
            // The outsider's stream sees a later change of its own group, but never the first one.
            UUID later = UUID.randomUUID();
            notifyFromAnotherReplica(inboxPayload(OTHER_REPLICA, later, "decided", "replica-sre"));
            await().atMost(Duration.ofSeconds(20)).until(() -> outsider.count("decided " + later) == 1);
            assertThat(outsider.lines()).containsExactly("decided " + later);
        } finally {
            member.subscription().cancel();
            outsider.subscription().cancel();
        }
    }

    @Test
    void aCommittedInboxChangeIsSentOnceAndReachesLocalStreamsOnlyOnce() throws Exception {
        requirePostgres();
        UUID requestId = UUID.randomUUID();
        UUID marker = UUID.randomUUID();
        Stream reviewer = stream("rita", "replica-once");
        try (Connection listener = rawListener()) {
            QuarkusTransaction.requiringNew().run(() -> inboxChanged.fire(
                    new InboxChanged(requestId, 42, "created", Set.of("replica-once"), null)));
            String markerPayload = inboxPayload(OTHER_REPLICA, marker, "created", "replica-once");
            notifyFromAnotherReplica(markerPayload);

            // What went over the wire: this replica's change, once, tagged with its replica id.
            assertThat(payloadsUntil(listener, markerPayload)).filteredOn(p -> p.contains(requestId.toString()))
                    .containsExactly(inboxPayload(notifications.replicaId(), requestId, "created", "replica-once"));
            // The listener handled the marker after the echo of this replica's own change; the
            // local stream still holds that change once (from its commit), not twice.
            await().atMost(Duration.ofSeconds(20)).until(() -> reviewer.count("created " + marker) == 1);
            assertThat(reviewer.count("created " + requestId)).isEqualTo(1);
        } finally {
            reviewer.subscription().cancel();
        }
    }

    @Test
    void anInboxChangeWithoutGroupsInItsPayloadIsRoutedByTheTasksGroupsReadFromTheDatabase() throws Exception {
        requirePostgres();
        String agent = agents.register();
        UUID requestId = fixture.submit(agent, Payloads.schemaChange("production", "CREATE INDEX r ON t (c)"));
        long taskKey = fixture.awaitTask(ReviewFixture.reviewer("rita", "dba"), requestId).taskKey();
        Stream dba = stream("rita", "dba");
        Stream sre = stream("otto", "replica-sre-lookup");
        try {
            notifyFromAnotherReplica(InboxChangePayload.PREFIX + OTHER_REPLICA + ":assigned:" + requestId + ":" + taskKey
                    + "::" + InboxChangePayload.GROUPS_OMITTED);
            UUID later = UUID.randomUUID();
            notifyFromAnotherReplica(inboxPayload(OTHER_REPLICA, later, "closed", "replica-sre-lookup"));

            await().atMost(Duration.ofSeconds(20)).until(() -> dba.count("assigned " + requestId) == 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> sre.count("closed " + later) == 1);
            assertThat(sre.lines()).containsExactly("closed " + later);
        } finally {
            dba.subscription().cancel();
            sre.subscription().cancel();
        }
    }

    @Test
    void autoApprovedAndDeniedSubmissionsSendNoNotification() throws Exception {
        requirePostgres();
        String agent = agents.register(List.of("payment.transfer"), 1000, 100);
        try (Connection listener = rawListener()) {
            String approved = submitAs(agent, Payloads.payment("10.00", "sandbox"), "APPROVED");
            String denied = submitAs(agent, Payloads.submission("ops.restart", "svc:web", "sandbox", "{}"), "DENIED");
            String marker = UUID.randomUUID().toString();
            notifyFromAnotherReplica(marker);

            // Delivered in commit order: anything these submissions sent would have arrived before the marker.
            assertThat(payloadsUntil(listener, marker))
                    .noneMatch(p -> p.contains(approved) || p.contains(denied));
        }
    }

    /** Submits {@code body} as {@code agent}, expects {@code status} and returns the request id. */
    private static String submitAs(String agent, String body, String status) {
        return io.restassured.RestAssured.given().auth().oauth2(io.countersign.testsupport.Tokens.agent(agent))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType("application/json").body(body)
                .when().post("/api/v1/actions")
                .then().statusCode(201).body("status", org.hamcrest.Matchers.equalTo(status))
                .extract().path("id");
    }
}
