package io.countersign.review;

import static io.countersign.review.ReviewFixture.reviewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.countersign.action.ActionService;
import io.countersign.action.ActionStatus;
import io.countersign.action.ActionSubmissions;
import io.countersign.common.ProblemException;
import io.countersign.engine.ActivatedJob;
import io.countersign.engine.JobKind;
import io.countersign.engine.ListenerEventType;
import io.countersign.engine.UserTaskProperties;
import io.countersign.review.ReviewFixture.OutboxRow;
import io.countersign.review.Views.Reviewer;
import io.countersign.review.Views.TaskSummary;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every engine command of a review is written to the engine outbox in the transaction of the
 * change that causes it (submission, decision, claim), on both engines; delivery is at least
 * once, so handlers are idempotent.
 */
@QuarkusTest
class ReviewRecoveryTest {

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    ReviewService reviews;

    @Inject
    ReviewQueries queries;

    @Inject
    ReviewProcesses processes;

    @Inject
    ActionSubmissions submissions;

    @Inject
    ActionService actions;

    private static ActivatedJob listenerJob(TaskSummary t, UUID requestId, long instanceKey, ListenerEventType event) {
        return new ActivatedJob(-1, "countersign-review-task-" + event.bpmnName(), JobKind.TASK_LISTENER, event,
                instanceKey, "action-approval", 1, "review-task", -1, Map.of("requestId", requestId.toString()), 3,
                Map.of(), new UserTaskProperties(t.taskKey(), "review-task", instanceKey, null, List.of("dba"), List.of(),
                        t.dueAt()), Long.MAX_VALUE);
    }

    private static ActivatedJob serviceJob(UUID requestId, long instanceKey) {
        return new ActivatedJob(-2, "countersign-review-approve", JobKind.BPMN_ELEMENT, null, instanceKey,
                "action-approval", 1, "record-approval", -2, Map.of("requestId", requestId.toString()), 3, Map.of(),
                null, Long.MAX_VALUE);
    }

    @Test
    void submissionWritesTheProcessStartToTheOutboxAndTheInstanceKeyIsLearntFromTheFirstTask() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "CREATE INDEX s ON t (c)"));
        // committed with the request: the start command and the review row
        List<OutboxRow> start = fixture.outbox("review-start:" + id);
        assertThat(start).singleElement().satisfies(r -> {
            assertThat(r.type()).isEqualTo("START");
            assertThat(r.orderingKey()).isEqualTo(id.toString());
            assertThat(r.payload()).contains("\"processId\":\"action-approval\"").contains(id.toString());
        });
        assertThat(reviews.process(id)).isPresent();

        fixture.awaitTask(reviewer("dora-" + UUID.randomUUID(), "dba"), id);
        Long instance = fixture.awaitDelivered("review-start:" + id).get(0).resultKey();
        assertThat(instance).isNotNull();
        assertEquals(instance, reviews.process(id).orElseThrow().processInstanceKey);
    }

    @Test
    void aRolledBackSubmissionLeavesNeitherRequestNorStartCommand() {
        String agent = agents.register();
        byte[] body = Payloads.schemaChange("production", "CREATE INDEX r ON t (c)").getBytes(StandardCharsets.UTF_8);
        AtomicReference<UUID> id = new AtomicReference<>();
        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            UUID requestId = submissions.submit(agent, UUID.randomUUID().toString(), body).requestId();
            id.set(requestId);
            assertThat(fixture.outbox("review-start:" + requestId)).hasSize(1); // written, not yet committed
            throw new IllegalStateException("the submission fails after the start was enqueued");
        }));
        assertThat(id.get()).isNotNull();
        assertThat(actions.find(id.get())).isEmpty();
        assertThat(fixture.outbox("review-start:" + id.get())).isEmpty();
        assertThat(reviews.process(id.get())).isEmpty();
    }

    @Test
    void startingTwiceAndReconcilingKeepOneInstanceAndOneTask() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "CREATE INDEX i ON t (c)"));
        Reviewer dora = reviewer("dora-" + UUID.randomUUID(), "dba");
        fixture.awaitTask(dora, id);
        long instance = reviews.process(id).orElseThrow().processInstanceKey;
        processes.start(id);
        processes.reconcile();
        assertEquals(instance, reviews.process(id).orElseThrow().processInstanceKey);
        assertThat(fixture.outbox("review-start:" + id)).hasSize(1);
        assertEquals(1, fixture.openTask(dora, id).stream().count());
        assertEquals(1, InboxCounts.open(queries, dora, id));
    }

    @Test
    void redeliveredListenerAndServiceJobsChangeNothing() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "CREATE INDEX j ON t (c)"));
        Reviewer dora = reviewer("dora-" + UUID.randomUUID(), "dba");
        TaskSummary t = fixture.awaitTask(dora, id);
        long instance = reviews.process(id).orElseThrow().processInstanceKey;
        reviews.onTaskCreating(listenerJob(t, id, instance, ListenerEventType.CREATING));
        reviews.onTaskCreating(listenerJob(t, id, instance, ListenerEventType.CREATING));
        assertEquals(1, InboxCounts.open(queries, dora, id));

        String digest = queries.detail(dora, id).action().payloadSha256();
        reviews.recordDecision(dora, id, t.taskKey(), Decision.APPROVE, "fine", digest);
        fixture.awaitStatus(agent, id, "APPROVED");
        // the approval service job delivered again, and a late canceling listener: no error, no change
        reviews.onOutcome(serviceJob(id, instance), ActionStatus.APPROVED);
        reviews.onTaskCanceling(listenerJob(t, id, instance, ListenerEventType.CANCELING));
        assertEquals("APPROVED", fixture.status(agent, id));
        assertEquals(1, queries.myDecisions(dora.userId(), 10).size());
    }

    @Test
    void aDecisionAndItsTaskCompletionCommitTogetherOrNotAtAll() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "CREATE INDEX k ON t (c)"));
        Reviewer dora = reviewer("dora-" + UUID.randomUUID(), "dba");
        TaskSummary t = fixture.awaitTask(dora, id);
        String digest = queries.detail(dora, id).action().payloadSha256();

        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            reviews.recordDecision(dora, id, t.taskKey(), Decision.APPROVE, "ok", digest);
            throw new IllegalStateException("rolled back after the decision");
        }));
        assertThat(fixture.outbox("review-complete:" + t.taskKey())).isEmpty();
        assertThat(queries.myDecisions(dora.userId(), 10)).isEmpty();
        assertThat(fixture.openTask(dora, id)).isPresent();

        reviews.recordDecision(dora, id, t.taskKey(), Decision.APPROVE, "ok", digest);
        assertThat(fixture.outbox("review-complete:" + t.taskKey())).singleElement().satisfies(r -> {
            assertThat(r.type()).isEqualTo("COMPLETE_USER_TASK");
            assertThat(r.orderingKey()).isEqualTo(id.toString());
            assertThat(r.payload()).contains("\"decision\":\"approve\"").contains("\"lastReviewer\":\"" + dora.userId());
        });
        fixture.awaitStatus(agent, id, "APPROVED");
        // deciding the same task again is refused
        assertThrows(ProblemException.class,
                () -> reviews.recordDecision(dora, id, t.taskKey(), Decision.APPROVE, "again", digest));
    }

    @Test
    void claimUnclaimAndReassignReachTheEngineTaskThroughTheOutbox() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "CREATE INDEX m ON t (c)"));
        Reviewer dora = reviewer("dora-" + UUID.randomUUID(), "dba");
        Reviewer dan = reviewer("dan-" + UUID.randomUUID(), "dba");
        reviews.rememberMember(dan);
        TaskSummary t = fixture.awaitTask(dora, id);
        assertNull(fixture.engineTask(id, t.taskKey()).assignee());

        // a claim that rolls back writes no assignment
        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            reviews.claim(dora, id, t.taskKey());
            throw new IllegalStateException("rolled back after the claim");
        }));
        assertThat(fixture.outbox("review-assign:" + t.taskKey() + ":")).isEmpty();
        assertNull(fixture.openTask(dora, id).orElseThrow().assignee());

        reviews.claim(dora, id, t.taskKey());
        fixture.awaitDelivered("review-assign:" + t.taskKey() + ":");
        assertEquals(dora.userId(), awaitEngineAssignee(id, t.taskKey(), dora.userId()));

        reviews.unclaim(dora, id, t.taskKey());
        fixture.awaitDelivered("review-assign:" + t.taskKey() + ":");
        assertNull(awaitEngineAssignee(id, t.taskKey(), null));

        reviews.reassign(dora, id, t.taskKey(), dan.userId());
        List<OutboxRow> rows = fixture.awaitDelivered("review-assign:" + t.taskKey() + ":");
        assertEquals(dan.userId(), awaitEngineAssignee(id, t.taskKey(), dan.userId()));
        assertThat(rows).hasSize(3).allSatisfy(r -> {
            assertThat(r.type()).isEqualTo("ASSIGN_USER_TASK");
            assertThat(r.orderingKey()).isEqualTo(id.toString());
        });

        // the assignee decides; an assignment arriving after the task ended counts as delivered
        String digest = queries.detail(dan, id).action().payloadSha256();
        reviews.recordDecision(dan, id, t.taskKey(), Decision.APPROVE, "fine", digest);
        fixture.awaitStatus(agent, id, "APPROVED");
        assertThat(fixture.awaitDelivered("review-complete:" + t.taskKey())).singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo("delivered"));
    }

    private String awaitEngineAssignee(UUID id, long taskKey, String expected) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            var task = fixture.engineTask(id, taskKey);
            return "CREATED".equals(task.state()) && java.util.Objects.equals(expected, task.assignee());
        });
        return fixture.engineTask(id, taskKey).assignee();
    }

    /** Counts through the public read model. */
    static final class InboxCounts {
        static long open(ReviewQueries queries, Reviewer who, UUID id) {
            return queries.inbox(who, new Views.InboxQuery(null, null, null, null, 1, 500)).tasks().stream()
                    .filter(x -> x.requestId().equals(id)).count();
        }
    }
}
