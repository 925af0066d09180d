package io.countersign.review;

import static io.countersign.review.ReviewFixture.reviewer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.countersign.action.ActionStatus;
import io.countersign.common.ProblemException;
import io.countersign.engine.ActivatedJob;
import io.countersign.engine.JobKind;
import io.countersign.engine.ListenerEventType;
import io.countersign.engine.UserTaskProperties;
import io.countersign.review.Views.Reviewer;
import io.countersign.review.Views.TaskSummary;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** At-least-once delivery and crash recovery: idempotent handlers and the reconciler. */
@QuarkusTest
class ReviewRecoveryTest {

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    ReviewService reviews;

    @Inject
    ReviewProcesses processes;

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
    void startingTwiceAndReconcilingKeepOneInstanceAndOneTask() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "CREATE INDEX i ON t (c)"));
        Reviewer dora = reviewer("dora-" + UUID.randomUUID(), "dba");
        fixture.awaitTask(dora, id);
        long instance = reviews.process(id).orElseThrow().processInstanceKey;
        processes.start(id);
        processes.reconcile();
        assertEquals(instance, reviews.process(id).orElseThrow().processInstanceKey);
        assertEquals(1, fixture.openTask(dora, id).stream().count());
        assertEquals(1, InboxCounts.open(reviews, dora, id));
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
        assertEquals(1, InboxCounts.open(reviews, dora, id));

        String digest = reviews.detail(dora, id).action().payloadSha256();
        ReviewDecisionsAccess.decide(reviews, processes, dora, id, t.taskKey(), digest);
        fixture.awaitStatus(agent, id, "APPROVED");
        // the approval service job delivered again, and a late canceling listener: no error, no change
        reviews.onOutcome(serviceJob(id, instance), ActionStatus.APPROVED);
        reviews.onTaskCanceling(listenerJob(t, id, instance, ListenerEventType.CANCELING));
        assertEquals("APPROVED", fixture.status(agent, id));
        assertEquals(1, reviews.myDecisions(dora.userId(), 10).size());
    }

    @Test
    void decisionWhoseEngineCompletionWasLostIsCompletedByTheReconciler() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "CREATE INDEX k ON t (c)"));
        Reviewer dora = reviewer("dora-" + UUID.randomUUID(), "dba");
        TaskSummary t = fixture.awaitTask(dora, id);
        String digest = reviews.detail(dora, id).action().payloadSha256();
        // recorded, but the process never heard of it (as if the node died right after the commit)
        reviews.recordDecision(dora, id, t.taskKey(), Decision.APPROVE, "ok", digest);
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
        fixture.awaitStatus(agent, id, "APPROVED");
        // deciding the same task again is refused
        assertThrows(ProblemException.class,
                () -> reviews.recordDecision(dora, id, t.taskKey(), Decision.APPROVE, "again", digest));
    }

    /** Counts through the public read model. */
    static final class InboxCounts {
        static long open(ReviewService reviews, Reviewer who, UUID id) {
            return reviews.inbox(who, new Views.InboxQuery(null, null, null, null, 1, 500)).tasks().stream()
                    .filter(x -> x.requestId().equals(id)).count();
        }
    }

    /** The normal decision path (record, then complete in the engine). */
    static final class ReviewDecisionsAccess {
        static void decide(ReviewService reviews, ReviewProcesses processes, Reviewer who, UUID id, long task,
                String digest) {
            processes.completeInEngine(reviews.recordDecision(who, id, task, Decision.APPROVE, "fine", digest));
        }
    }
}
