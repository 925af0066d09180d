package io.countersign.engine.camunda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.camunda.zeebe.gateway.protocol.GatewayOuterClass.ActivatedJob.ListenerEventType;
import io.countersign.common.ProblemMappers;
import io.countersign.engine.ActivatedJob;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.DeploymentRejectedException;
import io.countersign.engine.DeploymentResult;
import io.countersign.engine.EngineConflictException;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.JobKind;
import io.countersign.engine.JobResult;
import io.countersign.engine.JobWorkerRegistration;
import io.countersign.engine.ProcessInstanceState;
import io.countersign.engine.ProcessInstanceView;
import io.countersign.engine.UserTaskView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Camunda adapter against the protocol-level fake gateway: every command the port offers
 * that a fake can drive, the job-worker loop for service tasks and task listeners, error mapping,
 * and the lazy client (no cluster = fast, typed failure, never a start-up failure).
 */
class CamundaAdapterContractTest {

    private FakeCamundaGateway fake;
    private CamundaWorkflowEngine engine;

    @BeforeEach
    void startFake() {
        fake = FakeCamundaGateway.onFreePorts().start();
        engine = new CamundaWorkflowEngine(new CamundaClientProvider(CamundaTestConfig.forFake(fake)),
                CamundaTestConfig.forFake(fake));
    }

    @AfterEach
    void stopFake() {
        engine.close();
        fake.close();
    }

    private static BpmnResource bpmn(String processId, String marker) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
                  <bpmn:process id="%s" isExecutable="true"><!-- %s --></bpmn:process>
                </bpmn:definitions>
                """.formatted(processId, marker);
        return new BpmnResource(processId + ".bpmn", xml.getBytes(StandardCharsets.UTF_8));
    }

    private long deployAndStart(String processId, Map<String, Object> variables) {
        engine.deploy(List.of(bpmn(processId, "v1")));
        return engine.startInstance(processId, variables);
    }

    @Test
    void deploysResourcesAndKeepsTheVersionOfAnUnchangedResource() {
        String id = "p" + UUID.randomUUID().toString().replace("-", "");
        DeploymentResult first = engine.deploy(List.of(bpmn(id, "one")));
        DeploymentResult again = engine.deploy(List.of(bpmn(id, "one")));
        DeploymentResult changed = engine.deploy(List.of(bpmn(id, "two")));

        assertThat(first.process(id).version()).isEqualTo(1);
        assertThat(first.process(id).newVersion()).isTrue();
        assertThat(first.process(id).checksum()).hasSize(64);
        assertThat(again.process(id).version()).isEqualTo(1);
        assertThat(again.process(id).newVersion()).isFalse();
        assertThat(again.process(id).processDefinitionKey()).isEqualTo(first.process(id).processDefinitionKey());
        assertThat(changed.process(id).version()).isEqualTo(2);
        assertThat(changed.process(id).newVersion()).isTrue();
        assertThat(fake.deployments).hasSize(3);
    }

    @Test
    void processXmlIsReadFromTheClusterByDefinitionKey() {
        String id = "p" + UUID.randomUUID().toString().replace("-", "");
        DeploymentResult deployed = engine.deploy(List.of(bpmn(id, "drawn")));

        assertThat(engine.processXml(deployed.process(id).processDefinitionKey())).contains("<!-- drawn -->");
        assertThrows(EngineNotFoundException.class, () -> engine.processXml(424242L));
    }

    @Test
    void refusedDeploymentBecomesDeploymentRejectedNamingTheResource() {
        BpmnResource broken = new BpmnResource("broken.bpmn", "<definitions/>".getBytes(StandardCharsets.UTF_8));

        DeploymentRejectedException rejected = assertThrows(DeploymentRejectedException.class,
                () -> engine.deploy(List.of(broken)));

        assertThat(rejected.problems()).singleElement()
                .satisfies(p -> assertThat(p.resourceName()).isEqualTo("broken.bpmn"));
        assertThat(rejected.getMessage()).contains("no process found");
    }

    @Test
    void startsAnInstanceWithItsVariablesAndBusinessId() {
        long key = deployAndStart("approval", Map.of("requestId", "r-1", "amount", 12000,
                "countersignBusinessId", "r-1"));

        assertThat(fake.created).singleElement().satisfies(created -> {
            assertThat(created.key()).isEqualTo(key);
            assertThat(created.bpmnProcessId()).isEqualTo("approval");
            assertThat(created.variablesJson()).contains("\"requestId\":\"r-1\"").contains("\"amount\":12000");
            assertThat(created.businessId()).isEqualTo("r-1");
        });
    }

    @Test
    void secondActiveInstanceWithTheSameBusinessIdIsAConflict() {
        deployAndStart("approval", Map.of("countersignBusinessId", "r-dup"));

        assertThrows(EngineConflictException.class,
                () -> engine.startInstance("approval", Map.of("countersignBusinessId", "r-dup")));
        assertThat(fake.created).hasSize(1);
    }

    @Test
    void startingAnUndeployedProcessIsNotFound() {
        EngineNotFoundException e = assertThrows(EngineNotFoundException.class,
                () -> engine.startInstance("never-deployed", Map.of()));
        assertThat(e.getMessage()).contains("never-deployed");
    }

    @Test
    void startsAGivenVersion() {
        String id = "versioned";
        engine.deploy(List.of(bpmn(id, "a")));
        engine.deploy(List.of(bpmn(id, "b")));

        engine.startInstance(id, 1, Map.of());

        assertThat(fake.created).singleElement().satisfies(c -> assertThat(c.version()).isEqualTo(1));
        assertThrows(EngineNotFoundException.class, () -> engine.startInstance(id, 7, Map.of()));
    }

    @Test
    void serviceTaskJobIsHandledAndCompletedWithTheHandlersVariables() {
        long instance = deployAndStart("approval", Map.of());
        long jobKey = fake.queueServiceTaskJob("countersign.notify", "notify", instance, Map.of("requestId", "r-9"),
                3);
        ConcurrentLinkedQueue<ActivatedJob> seen = new ConcurrentLinkedQueue<>();

        try (JobWorkerRegistration ignored = engine.registerJobHandler("countersign.notify", job -> {
            seen.add(job);
            return JobResult.complete(Map.of("notified", true));
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> fake.completedJobs.containsKey(jobKey));
        }

        assertThat(fake.completedJobs.get(jobKey)).contains("\"notified\":true");
        assertThat(seen).singleElement().satisfies(job -> {
            assertThat(job.kind()).isEqualTo(JobKind.BPMN_ELEMENT);
            assertThat(job.processInstanceKey()).isEqualTo(instance);
            assertThat(job.variables()).containsEntry("requestId", "r-9");
            assertThat(job.customHeaders()).containsEntry("origin", "fake");
            assertThat(job.userTask()).isNull();
        });
    }

    @Test
    void taskListenerJobCarriesTheUserTaskAndMakesTheTaskCompletable() {
        long instance = deployAndStart("approval", Map.of());
        long userTaskKey = fake.nextKey();
        long jobKey = fake.queueTaskListenerJob("countersign.inbox", ListenerEventType.CREATING, userTaskKey,
                "review", instance, List.of("dba"), Map.of("requestId", "r-2"));
        ConcurrentLinkedQueue<ActivatedJob> seen = new ConcurrentLinkedQueue<>();

        try (JobWorkerRegistration ignored = engine.registerJobHandler("countersign.inbox", job -> {
            seen.add(job);
            return JobResult.complete();
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> fake.completedJobs.containsKey(jobKey));
        }

        assertThat(seen).singleElement().satisfies(job -> {
            assertThat(job.kind()).isEqualTo(JobKind.TASK_LISTENER);
            assertThat(job.listenerEventType()).isEqualTo(io.countersign.engine.ListenerEventType.CREATING);
            assertThat(job.userTask().userTaskKey()).isEqualTo(userTaskKey);
            assertThat(job.userTask().candidateGroups()).containsExactly("dba");
            assertThat(job.userTask().elementId()).isEqualTo("review");
        });
        engine.completeUserTask(userTaskKey, Map.of("decision", "APPROVED"));
        assertThat(fake.completedUserTasks).singleElement().satisfies(done -> {
            assertThat(done.key()).isEqualTo(userTaskKey);
            assertThat(done.variables().path("decision").asText()).isEqualTo("APPROVED");
        });
    }

    @Test
    void throwingHandlerFailsTheJobWithAUsefulMessageAndBackoff() {
        long instance = deployAndStart("approval", Map.of());
        long jobKey = fake.queueServiceTaskJob("countersign.flaky", "flaky", instance, Map.of(), 3);

        try (JobWorkerRegistration ignored = engine.registerJobHandler("countersign.flaky", job -> {
            throw new IllegalStateException("inbox database unreachable");
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !fake.failedJobs.isEmpty());
        }

        assertThat(fake.failedJobs).singleElement().satisfies(failed -> {
            assertThat(failed.key()).isEqualTo(jobKey);
            assertThat(failed.retries()).isEqualTo(2);
            assertThat(failed.errorMessage()).contains("countersign.flaky").contains("flaky")
                    .contains("IllegalStateException").contains("inbox database unreachable");
            assertThat(failed.backoffMillis()).isEqualTo(2000);
        });
    }

    @Test
    void lastRetryBacksOffLongerThanTheFirst() {
        assertThat(engine.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(engine.backoff(1)).isEqualTo(Duration.ofSeconds(4));
        assertThat(engine.backoff(0)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void handlerResultsFailAndBpmnErrorReachTheGateway() {
        long instance = deployAndStart("approval", Map.of());
        long failKey = fake.queueServiceTaskJob("countersign.fail", "a", instance, Map.of(), 3);
        long errorKey = fake.queueServiceTaskJob("countersign.error", "b", instance, Map.of(), 3);

        try (JobWorkerRegistration a = engine.registerJobHandler("countersign.fail",
                job -> JobResult.fail(0, Duration.ZERO, "payload schema invalid"));
                JobWorkerRegistration b = engine.registerJobHandler("countersign.error",
                        job -> new JobResult.BpmnError("REJECTED", "policy says no"))) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !fake.failedJobs.isEmpty() && !fake.thrownErrors.isEmpty());
        }

        assertThat(fake.failedJobs).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo(failKey);
            assertThat(f.retries()).isZero();
            assertThat(f.errorMessage()).isEqualTo("payload schema invalid");
        });
        assertThat(fake.thrownErrors).singleElement().satisfies(t -> {
            assertThat(t.key()).isEqualTo(errorKey);
            assertThat(t.errorCode()).isEqualTo("REJECTED");
        });
    }

    @Test
    void completingAJobTwiceIsNotFoundTheSecondTime() {
        long instance = deployAndStart("approval", Map.of());
        long jobKey = fake.queueServiceTaskJob("countersign.once", "once", instance, Map.of(), 3);
        try (JobWorkerRegistration ignored = engine.registerJobHandler("countersign.once",
                job -> JobResult.complete())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> fake.completedJobs.containsKey(jobKey));
        }

        assertThrows(EngineNotFoundException.class, () -> engine.completeJob(jobKey, Map.of()));
    }

    @Test
    void completingAnUnknownUserTaskIsNotFoundAndOneStillCreatingIsAConflict() {
        long creating = fake.nextKey();
        fake.putUserTask(creating, 1L, "review", "CREATING");

        assertThrows(EngineNotFoundException.class, () -> engine.completeUserTask(424242L, Map.of()));
        assertThrows(EngineConflictException.class, () -> engine.completeUserTask(creating, Map.of()));
        assertThat(fake.completedUserTasks).isEmpty();
    }

    @Test
    void assignsUnassignsAndUpdatesCandidateGroupsOfAUserTaskOverRest() {
        long task = fake.nextKey();
        fake.putUserTask(task, 1L, "review", "CREATED");

        engine.assignUserTask(task, "dora");
        engine.updateUserTaskCandidateGroups(task, List.of("dba", "oncall"));
        engine.assignUserTask(task, null);

        assertThat(fake.userTaskChanges).extracting(FakeCamundaGateway.UserTaskChange::command)
                .containsExactly("assign", "update", "unassign");
        assertThat(fake.userTaskChanges.get(0).body().path("assignee").asText()).isEqualTo("dora");
        assertThat(fake.userTaskChanges.get(0).body().path("allowOverride").asBoolean()).isTrue();
        assertThat(fake.userTaskChanges.get(1).body().path("changeset").path("candidateGroups"))
                .extracting(com.fasterxml.jackson.databind.JsonNode::asText).containsExactly("dba", "oncall");
    }

    @Test
    void userTaskChangesOnAnUnknownTaskAreNotFoundAndOnOneStillCreatingAConflict() {
        long creating = fake.nextKey();
        fake.putUserTask(creating, 1L, "review", "CREATING");

        assertThrows(EngineNotFoundException.class, () -> engine.assignUserTask(424242L, "dora"));
        assertThrows(EngineNotFoundException.class, () -> engine.assignUserTask(424242L, null));
        assertThrows(EngineNotFoundException.class,
                () -> engine.updateUserTaskCandidateGroups(424242L, List.of("dba")));
        assertThrows(EngineConflictException.class, () -> engine.assignUserTask(creating, "dora"));
        assertThrows(EngineConflictException.class,
                () -> engine.updateUserTaskCandidateGroups(creating, List.of("dba")));
        assertThat(fake.userTaskChanges).isEmpty();
    }

    @Test
    void publishesAMessageWithItsIdAndTheDuplicateIsRefused() {
        long key = engine.publishMessage("action-cancelled", "r-7", Duration.ofMinutes(5), "cancel-r-7",
                Map.of("reason", "agent withdrew"));

        assertThat(fake.messages).singleElement().satisfies(m -> {
            assertThat(m.key()).isEqualTo(key);
            assertThat(m.correlationKey()).isEqualTo("r-7");
            assertThat(m.messageId()).isEqualTo("cancel-r-7");
            assertThat(m.ttlMillis()).isEqualTo(300_000);
            assertThat(m.variablesJson()).contains("agent withdrew");
        });
        assertThrows(EngineConflictException.class, () -> engine.publishMessage("action-cancelled", "r-7",
                Duration.ofMinutes(5), "cancel-r-7", Map.of()));
        assertThat(fake.messages).hasSize(1);
    }

    @Test
    void cancelsAnInstanceOnceAndTheSecondCancelIsNotFound() {
        long instance = deployAndStart("approval", Map.of());

        engine.cancelInstance(instance);

        assertThat(fake.cancels).containsExactly(instance);
        assertThrows(EngineNotFoundException.class, () -> engine.cancelInstance(instance));
    }

    @Test
    void findsAnInstanceThroughTheSearchApiAndAnUnknownOneIsEmpty() {
        long instance = deployAndStart("approval", Map.of());

        Optional<ProcessInstanceView> view = engine.findInstance(instance);

        assertThat(view).get().satisfies(v -> {
            assertThat(v.bpmnProcessId()).isEqualTo("approval");
            assertThat(v.state()).isEqualTo(ProcessInstanceState.ACTIVE);
            assertThat(v.version()).isEqualTo(1);
        });
        assertThat(engine.findInstance(99L)).isEmpty();
        engine.cancelInstance(instance);
        assertThat(engine.findInstance(instance)).get()
                .satisfies(v -> assertThat(v.state()).isEqualTo(ProcessInstanceState.TERMINATED));
    }

    @Test
    void listsOpenUserTasksOfAnInstance() {
        long instance = deployAndStart("approval", Map.of());
        long task = fake.nextKey();
        fake.putUserTask(task, instance, "review", "CREATED");
        fake.putUserTask(fake.nextKey(), instance + 1000, "other", "CREATED");

        List<UserTaskView> tasks = engine.userTasks(instance);

        assertThat(tasks).singleElement().satisfies(t -> {
            assertThat(t.userTaskKey()).isEqualTo(task);
            assertThat(t.elementId()).isEqualTo("review");
            assertThat(t.state()).isEqualTo("CREATED");
        });
        assertThrows(EngineNotFoundException.class, () -> engine.userTasks(77L));
    }

    @Test
    void withoutAClusterTheEngineIsBuiltAndCommandsFailFastAsUnavailable() {
        FakeCamundaGateway nowhere = FakeCamundaGateway.onFreePorts();
        CamundaConfig config = CamundaTestConfig.of(Map.of(
                "countersign.camunda.grpc-address", nowhere.grpcAddress(),
                "countersign.camunda.rest-address", nowhere.restAddress(),
                "countersign.camunda.request-timeout", "2s"));
        try (CamundaWorkflowEngine offline = new CamundaWorkflowEngine(new CamundaClientProvider(config), config)) {
            CamundaUnavailableException e = assertThrows(CamundaUnavailableException.class,
                    () -> offline.startInstance("approval", Map.of()));
            assertThat(ProblemMappers.toProblem(e, null).status()).isEqualTo(503);
            assertThat(e.getMessage()).contains("start approval");
            assertThrows(CamundaUnavailableException.class, () -> offline.completeUserTask(1L, Map.of()));
        }
    }

    @Test
    void authModesNeedTheirSettingsAndNamesTheMissingKey() {
        CamundaConfig oauth = CamundaTestConfig.of(Map.of("countersign.camunda.auth.mode", "oauth",
                "countersign.camunda.auth.client-id", "countersign"));
        CamundaClientProvider provider = new CamundaClientProvider(oauth);

        IllegalStateException e = assertThrows(IllegalStateException.class, provider::get);
        assertThat(e.getMessage()).contains("countersign.camunda.auth.client-secret");
        for (Entry<String, String> basic : Map.of("countersign.camunda.auth.mode", "basic").entrySet()) {
            CamundaClientProvider p = new CamundaClientProvider(CamundaTestConfig.of(Map.of(basic.getKey(),
                    basic.getValue())));
            assertThat(assertThrows(IllegalStateException.class, p::get).getMessage())
                    .contains("countersign.camunda.auth.username");
        }
    }
}
