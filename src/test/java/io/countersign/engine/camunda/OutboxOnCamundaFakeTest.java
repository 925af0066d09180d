package io.countersign.engine.camunda;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.countersign.engine.BpmnResource;
import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.outbox.EngineOutbox;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The application built with {@code countersign.engine=camunda} against the fake gateway: 500
 * submissions accepted while the cluster is unreachable are all started exactly once after it
 * comes back, including when the gateway drops some create commands on the way.
 */
@QuarkusTest
@TestProfile(OutboxOnCamundaFakeTest.CamundaFakeProfile.class)
class OutboxOnCamundaFakeTest {

    static final int GRPC_PORT = FakeCamundaGateway.freePort();
    static final int REST_PORT = FakeCamundaGateway.freePort();
    static final int SUBMISSIONS = 500;

    /** The Camunda engine, pointed at the fake's ports, with a patient, fast-retrying outbox. */
    public static class CamundaFakeProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("countersign.engine", "camunda"),
                    Map.entry("quarkus.management.test-port", "0"),
                    Map.entry("countersign.camunda.grpc-address", "http://127.0.0.1:" + GRPC_PORT),
                    Map.entry("countersign.camunda.rest-address", "http://127.0.0.1:" + REST_PORT),
                    Map.entry("countersign.camunda.request-timeout", "3s"),
                    Map.entry("countersign.camunda.deploy.on-startup", "false"),
                    Map.entry("countersign.outbox.max-attempts", "100000"),
                    Map.entry("countersign.outbox.initial-backoff", "20ms"),
                    Map.entry("countersign.outbox.max-backoff", "500ms"),
                    Map.entry("countersign.outbox.batch-size", "100"),
                    Map.entry("countersign.outbox.poll-interval", "100ms"));
        }
    }

    @Inject
    EngineOutbox outbox;

    @Inject
    WorkflowEngine engine;

    @Inject
    DataSource dataSource;

    @Inject
    TestAgents agents;

    private final FakeCamundaGateway fake = FakeCamundaGateway.onPorts(GRPC_PORT, REST_PORT);

    @AfterEach
    void stopFake() {
        fake.close();
    }

    @Test
    void theCamundaAdapterIsTheWiredEngine() {
        assertThat(engine).isInstanceOf(CamundaWorkflowEngine.class);
    }

    @Test
    void fiveHundredSubmissionsWhileTheClusterIsDownAreStartedExactlyOnceWhenItIsBack() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String process = "approval-" + run;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < SUBMISSIONS; i++) {
            keys.add("request-" + run + "-" + i);
        }

        // Cluster down: every submission commits its start command with the request.
        for (int from = 0; from < SUBMISSIONS; from += 25) {
            List<String> batch = keys.subList(from, from + 25);
            QuarkusTransaction.requiringNew().run(() -> batch.forEach(
                    key -> outbox.enqueueStart(process, Map.of("requestId", key), key)));
        }
        // A client retry of the first 50 submissions must not add commands.
        QuarkusTransaction.requiringNew().run(() -> keys.subList(0, 50).forEach(
                key -> outbox.enqueueStart(process, Map.of("requestId", key), key)));
        assertThat(countRows(run, null)).isEqualTo(SUBMISSIONS);
        await().atMost(Duration.ofSeconds(60)).until(() -> minAttempts(run) >= 1);
        assertThat(countRows(run, "DELIVERED")).isZero();

        // Cluster back (the process deployed), and it drops some create commands once more.
        fake.start();
        fake.failNextCreates(25);
        // The client's channel reconnects with its own backoff: deploy as the start-up deployer does, retrying.
        await().atMost(Duration.ofSeconds(120)).ignoreExceptionsInstanceOf(CamundaUnavailableException.class)
                .until(() -> engine.deploy(List.of(bpmn(process))).processes().size() == 1);

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> countRows(run, "DELIVERED") == SUBMISSIONS);

        List<FakeCamundaGateway.CreatedInstance> started = fake.created.stream()
                .filter(c -> c.bpmnProcessId().equals(process)).toList();
        Set<String> businessIds = started.stream().map(FakeCamundaGateway.CreatedInstance::businessId)
                .collect(Collectors.toSet());
        assertThat(started).as("no duplicated start").hasSize(SUBMISSIONS);
        assertThat(businessIds).as("no lost start").isEqualTo(new HashSet<>(keys));
        assertThat(started).allSatisfy(c -> assertThat(c.variablesJson()).contains("\"requestId\":\"" + c.businessId()
                + "\""));
        assertThat(resultKeys(run)).as("each row records its own instance key")
                .isEqualTo(started.stream().map(FakeCamundaGateway.CreatedInstance::key).collect(Collectors.toSet()));
        assertThat(fake.createRequests.get()).as("the dropped creates were retried").isGreaterThan(SUBMISSIONS);
    }

    @Test
    void aStartWhoseAnswerWasLostIsNotStartedTwice() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String process = "approval-" + run;
        String key = "request-" + run + "-lost-answer";
        fake.start();
        await().atMost(Duration.ofSeconds(120)).ignoreExceptionsInstanceOf(CamundaUnavailableException.class)
                .until(() -> engine.deploy(List.of(bpmn(process))).processes().size() == 1);
        // The cluster started the instance, but the answer never reached the relay (timeout, crash).
        engine.startInstance(process, Map.of(WorkflowEngine.BUSINESS_ID_VARIABLE, key));

        QuarkusTransaction.requiringNew().run(() -> outbox.enqueueStart(process, Map.of(), key));

        await().atMost(Duration.ofSeconds(30)).until(() -> countRows(run, "DELIVERED") == 1);
        assertThat(fake.created.stream().filter(c -> key.equals(c.businessId()))).hasSize(1);
        assertThat(outcome(key)).startsWith("already applied");
    }

    @Test
    void aReviewStartIsCommittedWithTheSubmissionWhileTheClusterIsDownAndDeliveredWhenItIsBack() throws Exception {
        String agent = agents.register();
        String id = given().auth().oauth2(Tokens.agent(agent)).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(ContentType.JSON).body(Payloads.schemaChange("production", "CREATE INDEX c ON t (c)"))
                .when().post("/api/v1/actions")
                .then().statusCode(201).body("status", equalTo("PENDING_REVIEW")).extract().path("id");
        String key = "review-start:" + id;
        // accepted although no engine answers: the start waits in the outbox, written with the request
        assertThat(outcomeAndStatus(key)).isEqualTo("null/PENDING");

        fake.start();
        // a fresh fake holds no deployments: deploy the approval process as the start-up deployer does, retrying
        byte[] approval;
        try (var in = getClass().getClassLoader().getResourceAsStream("bpmn/action-approval.bpmn")) {
            approval = in.readAllBytes();
        }
        await().atMost(Duration.ofSeconds(120)).ignoreExceptionsInstanceOf(CamundaUnavailableException.class)
                .until(() -> engine.deploy(List.of(new BpmnResource("action-approval.bpmn", approval)))
                        .processes().size() == 1);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> outcomeAndStatus(key).endsWith("/DELIVERED"));
        assertThat(fake.created.stream().filter(c -> key.equals(c.businessId()))).singleElement().satisfies(c -> {
            assertThat(c.bpmnProcessId()).isEqualTo("action-approval");
            assertThat(c.variablesJson()).contains("\"requestId\":\"" + id + "\"");
        });
    }

    @Test
    void userTaskAssignmentsAndCandidateGroupsGoThroughTheOutboxToTheCluster() throws Exception {
        fake.start();
        long task = fake.nextKey();
        fake.putUserTask(task, 1L, "review-task", "CREATED");
        String order = "task-" + task;
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.enqueueAssignUserTask(task, "dora", order + "/claim", order);
            outbox.enqueueUpdateUserTaskCandidateGroups(task, List.of("dba", "security"), order + "/escalate", order);
            outbox.enqueueAssignUserTask(task, null, order + "/unclaim", order);
            outbox.enqueueAssignUserTask(424242L, "dora", order + "/gone", order);
        });

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> outcomeAndStatus(order + "/gone").endsWith("/DELIVERED"));
        assertThat(fake.userTaskChanges).extracting(FakeCamundaGateway.UserTaskChange::command)
                .containsExactly("assign", "update", "unassign");
        assertThat(fake.userTaskChanges.get(0).body().path("assignee").asText()).isEqualTo("dora");
        assertThat(fake.userTaskChanges.get(1).body().path("changeset").path("candidateGroups").toString())
                .isEqualTo("[\"dba\",\"security\"]");
        assertThat(outcomeAndStatus(order + "/claim")).isEqualTo("delivered/DELIVERED");
        assertThat(outcomeAndStatus(order + "/gone")).isEqualTo("already applied: user task no longer open/DELIVERED");
    }

    private static BpmnResource bpmn(String processId) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
                  <bpmn:process id="%s" isExecutable="true"/>
                </bpmn:definitions>
                """.formatted(processId);
        return new BpmnResource(processId + ".bpmn", xml.getBytes(StandardCharsets.UTF_8));
    }

    private long countRows(String run, String status) throws Exception {
        String sql = "SELECT COUNT(*) FROM outbox_command WHERE dedup_key LIKE ?" + (status == null ? ""
                : " AND status = ?");
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement(sql)) {
            ps.setString(1, "request-" + run + "-%");
            if (status != null) {
                ps.setString(2, status);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private int minAttempts(String run) throws Exception {
        try (var c = dataSource.getConnection();
                var ps = c.prepareStatement("SELECT MIN(attempts) FROM outbox_command WHERE dedup_key LIKE ?")) {
            ps.setString(1, "request-" + run + "-%");
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private Set<Long> resultKeys(String run) throws Exception {
        Set<Long> keys = new HashSet<>();
        try (var c = dataSource.getConnection();
                var ps = c.prepareStatement("SELECT result_key FROM outbox_command WHERE dedup_key LIKE ?")) {
            ps.setString(1, "request-" + run + "-%");
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getLong(1));
                }
            }
        }
        return keys;
    }

    private String outcomeAndStatus(String key) throws Exception {
        try (var c = dataSource.getConnection();
                var ps = c.prepareStatement("SELECT outcome, status FROM outbox_command WHERE dedup_key = ?")) {
            ps.setString(1, key);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) + "/" + rs.getString(2) : "missing";
            }
        }
    }

    private String outcome(String key) throws Exception {
        try (var c = dataSource.getConnection();
                var ps = c.prepareStatement("SELECT outcome FROM outbox_command WHERE dedup_key = ?")) {
            ps.setString(1, key);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
