package io.countersign.engine.outbox;

import io.countersign.common.delivery.DeliveryStatus;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.EngineConflictException;
import io.countersign.engine.ProcessInstanceState;
import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.WorkflowInspection;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The outbox on the default (embedded) engine: commands exist only when their transaction
 * commits, are delivered in order per ordering key, are deduplicated, park after the configured
 * attempts (visible in the admin API, readiness data and metrics) and can be retried.
 */
@QuarkusTest
class OutboxWithEmbeddedEngineTest {

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readiness;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Inject
    EngineOutbox outbox;

    @Inject
    OutboxStore store;

    @Inject
    WorkflowEngine engine;

    @Inject
    WorkflowInspection inspection;

    private String deployWaitingProcess() {
        String id = "outbox-" + UUID.randomUUID().toString().substring(0, 8);
        String xml = Bpmn.convertToString(Bpmn.createExecutableProcess(id).startEvent()
                .userTask("review", t -> t.zeebeUserTask()).endEvent().done());
        engine.deploy(List.of(new BpmnResource(id + ".bpmn", xml.getBytes(StandardCharsets.UTF_8))));
        return id;
    }

    private OutboxEntry awaitStatus(long id, DeliveryStatus status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> store.find(id).orElseThrow().status() == status);
        return store.find(id).orElseThrow();
    }

    @Test
    void enqueueingOutsideATransactionIsRefused() {
        assertThrows(TransactionalException.class, () -> outbox.enqueueStart("p", Map.of(), "k-" + UUID.randomUUID()));
    }

    @Test
    void committedStartIsDeliveredAndItsInstanceKeyRecorded() {
        String process = deployWaitingProcess();
        String key = "start-" + UUID.randomUUID();

        long id = QuarkusTransaction.requiringNew().call(() -> outbox.enqueueStart(process,
                Map.of("requestId", key), key));

        OutboxEntry delivered = awaitStatus(id, DeliveryStatus.DELIVERED);
        assertThat(delivered.resultKey()).isNotNull();
        assertThat(delivered.outcome()).isEqualTo("delivered");
        assertThat(inspection.variables(delivered.resultKey())).containsEntry("requestId", key)
                .containsEntry(WorkflowEngine.BUSINESS_ID_VARIABLE, key);
    }

    /**
     * The crash window between the engine's commit of a start and the relay's marking of its row:
     * the row is delivered again after its claim expires. The first delivery is simulated by
     * starting the instance with the row's business id; the redelivery must not start a second one.
     */
    @Test
    void startDeliveredAgainAfterItsFirstDeliveryCommittedStartsNoSecondInstance() {
        String process = deployWaitingProcess();
        String key = "twice-" + UUID.randomUUID();
        long first = engine.startInstance(process, Map.of(WorkflowEngine.BUSINESS_ID_VARIABLE, key));

        long id = QuarkusTransaction.requiringNew().call(() -> outbox.enqueueStart(process, Map.of(), key));

        OutboxEntry again = awaitStatus(id, DeliveryStatus.DELIVERED);
        assertThat(again.outcome()).startsWith("already applied").contains(String.valueOf(first));
        assertThat(inspection.findInstance(first)).get()
                .satisfies(v -> assertThat(v.state()).isEqualTo(ProcessInstanceState.ACTIVE));
    }

    /** Uniqueness holds only among active instances: once the first has ended, the business id is free again. */
    @Test
    void businessIdOfAnEndedInstanceCanStartAgain() {
        String process = deployWaitingProcess();
        String key = "again-" + UUID.randomUUID();
        long first = engine.startInstance(process, Map.of(WorkflowEngine.BUSINESS_ID_VARIABLE, key));
        assertThrows(EngineConflictException.class,
                () -> engine.startInstance(process, Map.of(WorkflowEngine.BUSINESS_ID_VARIABLE, key)));
        engine.cancelInstance(first);

        long second = engine.startInstance(process, Map.of(WorkflowEngine.BUSINESS_ID_VARIABLE, key));

        assertThat(second).isNotEqualTo(first);
        assertThat(inspection.findInstance(second)).get()
                .satisfies(v -> assertThat(v.state()).isEqualTo(ProcessInstanceState.ACTIVE));
        // another process may use the same business id
        assertThat(engine.startInstance(deployWaitingProcess(), Map.of(WorkflowEngine.BUSINESS_ID_VARIABLE, key)))
                .isPositive();
    }

    @Test
    void rolledBackTransactionLeavesNoCommand() {
        String process = deployWaitingProcess();
        String key = "rollback-" + UUID.randomUUID();

        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            outbox.enqueueStart(process, Map.of(), key);
            throw new IllegalStateException("request validation failed after the enqueue");
        }));

        assertThat(store.list(null, 1000)).noneMatch(e -> e.dedupKey().equals(key));
    }

    @Test
    void sameDedupKeyTwiceIsOneCommand() {
        String process = deployWaitingProcess();
        String key = "dup-" + UUID.randomUUID();

        long first = QuarkusTransaction.requiringNew().call(() -> outbox.enqueueStart(process, Map.of(), key));
        long second = QuarkusTransaction.requiringNew().call(() -> outbox.enqueueStart(process, Map.of(), key));

        assertThat(second).isEqualTo(first);
        awaitStatus(first, DeliveryStatus.DELIVERED);
        assertThat(store.list(null, 1000)).filteredOn(e -> e.dedupKey().equals(key)).hasSize(1);
    }

    @Test
    void cancelEnqueuedWithTheStartRunsAfterItAndEndsTheInstance() {
        String process = deployWaitingProcess();
        String key = "cancel-" + UUID.randomUUID();

        long[] ids = QuarkusTransaction.requiringNew().call(() -> new long[] {
            outbox.enqueueStart(process, Map.of(), key),
            outbox.enqueueCancelStartedBy(key, key + "/cancel")});

        OutboxEntry start = awaitStatus(ids[0], DeliveryStatus.DELIVERED);
        OutboxEntry cancel = awaitStatus(ids[1], DeliveryStatus.DELIVERED);
        assertThat(cancel.resultKey()).isEqualTo(start.resultKey());
        assertThat(inspection.findInstance(start.resultKey())).get()
                .satisfies(v -> assertThat(v.state()).isEqualTo(ProcessInstanceState.TERMINATED));
    }

    @Test
    void messageWithADuplicateIdCountsAsAlreadyApplied() {
        String correlation = "corr-" + UUID.randomUUID();
        long[] ids = QuarkusTransaction.requiringNew().call(() -> new long[] {
            outbox.enqueueMessage("outbox-test-msg", correlation, Duration.ofMinutes(5), "m-" + correlation,
                    Map.of(), "msg-1-" + correlation, correlation),
            outbox.enqueueMessage("outbox-test-msg", correlation, Duration.ofMinutes(5), "m-" + correlation,
                    Map.of(), "msg-2-" + correlation, correlation)});

        assertThat(awaitStatus(ids[0], DeliveryStatus.DELIVERED).outcome()).isEqualTo("delivered");
        assertThat(awaitStatus(ids[1], DeliveryStatus.DELIVERED).outcome()).contains("duplicate message id");
    }

    @Test
    void userTaskAssignmentAndCandidateGroupsAreDeliveredAndATaskThatEndedCountsAsApplied() {
        String process = deployWaitingProcess();
        long instance = engine.startInstance(process, Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> inspection.userTasks(instance).stream()
                .anyMatch(t -> t.state().equals("CREATED")));
        long task = inspection.userTasks(instance).get(0).userTaskKey();
        String order = "task-" + task;

        long[] ids = QuarkusTransaction.requiringNew().call(() -> new long[] {
            outbox.enqueueAssignUserTask(task, "dora", order + "/assign", order),
            outbox.enqueueUpdateUserTaskCandidateGroups(task, List.of("dba", "oncall"), order + "/groups", order)});
        assertThat(awaitStatus(ids[0], DeliveryStatus.DELIVERED).outcome()).isEqualTo("delivered");
        assertThat(awaitStatus(ids[1], DeliveryStatus.DELIVERED).target()).isEqualTo("user task " + task);
        await().atMost(Duration.ofSeconds(30)).until(() -> inspection.userTasks(instance).get(0).state().equals("CREATED"));
        assertThat(inspection.userTasks(instance).get(0).assignee()).isEqualTo("dora");
        assertThat(inspection.userTasks(instance).get(0).candidateGroups()).containsExactly("dba", "oncall");

        long unassign = QuarkusTransaction.requiringNew().call(() ->
                outbox.enqueueAssignUserTask(task, null, order + "/unassign", order));
        awaitStatus(unassign, DeliveryStatus.DELIVERED);
        await().atMost(Duration.ofSeconds(30)).until(() -> inspection.userTasks(instance).get(0).assignee() == null);

        engine.completeUserTask(task, Map.of());
        long[] late = QuarkusTransaction.requiringNew().call(() -> new long[] {
            outbox.enqueueAssignUserTask(task, "erin", order + "/late-assign", order),
            outbox.enqueueUpdateUserTaskCandidateGroups(task, List.of("oncall"), order + "/late-groups", order),
            outbox.enqueueCompleteUserTask(task, Map.of(), order + "/late-complete", order)});
        for (long id : late) {
            OutboxEntry entry = awaitStatus(id, DeliveryStatus.DELIVERED);
            assertThat(entry.outcome()).isEqualTo("already applied: user task no longer open");
            assertThat(entry.attempts()).isEqualTo(1);
        }
    }

    @Test
    void failingCommandIsParkedVisibleToAdminsAndCanBeRetried() {
        String missing = "not-deployed-" + UUID.randomUUID().toString().substring(0, 8);
        String key = "park-" + UUID.randomUUID();
        long id = QuarkusTransaction.requiringNew().call(() -> outbox.enqueueStart(missing, Map.of(), key));

        OutboxEntry parked = awaitStatus(id, DeliveryStatus.PARKED);
        assertThat(parked.attempts()).isEqualTo(3);
        assertThat(parked.lastError()).contains(missing);

        given().auth().oauth2(Tokens.admin())
                .when().get("/api/v1/admin/outbox?status=PARKED&limit=1000")
                .then().statusCode(200).body("entries.dedupKey", hasItem(key))
                .body("entries.find { it.dedupKey == '" + key + "' }.target", equalTo("process " + missing));
        given().when().get(readiness)
                .then().statusCode(200)
                .body("checks.find { it.name == 'engine-outbox' }.data.state", equalTo("degraded"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given()
                .when().get(metrics).then().statusCode(200)
                .body(containsString("countersign_outbox_entries{status=\"parked\"}")));

        // The operator deploys the missing process, then retries the parked command.
        String xml = Bpmn.convertToString(Bpmn.createExecutableProcess(missing).startEvent()
                .userTask("review", t -> t.zeebeUserTask()).endEvent().done());
        engine.deploy(List.of(new BpmnResource(missing + ".bpmn", xml.getBytes(StandardCharsets.UTF_8))));
        given().auth().oauth2(Tokens.admin())
                .when().post("/api/v1/admin/outbox/" + id + "/retry")
                .then().statusCode(200).body("status", equalTo("PENDING")).body("attempts", equalTo(0));
        assertThat(awaitStatus(id, DeliveryStatus.DELIVERED).resultKey()).isNotNull();
    }

    @Test
    void adminApiRefusesNonAdminsAndExplainsBadRequests() {
        given().auth().oauth2(Tokens.reviewer("rita", "dba"))
                .when().get("/api/v1/admin/outbox").then().statusCode(403);
        given().when().get("/api/v1/admin/outbox").then().statusCode(401);
        given().auth().oauth2(Tokens.admin())
                .when().get("/api/v1/admin/outbox?status=LOST")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", endsWith("/invalid-status")).body("detail", containsString("LOST"));
        given().auth().oauth2(Tokens.admin())
                .when().get("/api/v1/admin/outbox?limit=0")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", endsWith("/invalid-limit")).body("title", equalTo("Bad request"))
                .body("detail", equalTo("limit must be between 1 and 1000"));
        given().auth().oauth2(Tokens.admin())
                .when().post("/api/v1/admin/outbox/987654321/retry")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", endsWith("/not-found")).body("title", equalTo("Not found"))
                .body("detail", equalTo("no outbox entry 987654321"));
    }

    @Test
    void retryingAnEntryThatIsNotParkedIsAConflict() {
        String process = deployWaitingProcess();
        String key = "noretry-" + UUID.randomUUID();
        long id = QuarkusTransaction.requiringNew().call(() -> outbox.enqueueStart(process, Map.of(), key));
        awaitStatus(id, DeliveryStatus.DELIVERED);

        given().auth().oauth2(Tokens.admin())
                .when().post("/api/v1/admin/outbox/" + id + "/retry")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", endsWith("/outbox-not-parked")).body("title", equalTo("Conflict"))
                .body("detail", containsString("DELIVERED"));
    }
}
