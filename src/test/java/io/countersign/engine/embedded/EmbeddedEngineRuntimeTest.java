package io.countersign.engine.embedded;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.countersign.engine.ActivatedJob;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.JobResult;
import io.countersign.engine.JobWorkerOptions;
import io.countersign.engine.JobWorkerRegistration;
import io.countersign.engine.ProcessInstanceState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Embedded-only runtime guarantees: re-delivery, restart-safe timers, joining the caller's transaction. */
@QuarkusTest
class EmbeddedEngineRuntimeTest {

    @Inject
    EmbeddedWorkflowEngine engine;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private void deploy(io.camunda.zeebe.model.bpmn.BpmnModelInstance model, String pid) {
        engine.deploy(List.of(new BpmnResource(pid + ".bpmn",
                Bpmn.convertToString(model).getBytes(StandardCharsets.UTF_8))));
    }

    private ProcessInstanceState state(long instance) {
        return engine.findInstance(instance).orElseThrow().state();
    }

    @Test
    void jobWhoseWorkerDiedIsRedeliveredAfterItsLockTimeout() {
        String pid = "redeliver-" + run;
        String type = "redeliver-" + run;
        deploy(Bpmn.createExecutableProcess(pid).startEvent().serviceTask("t", t -> t.zeebeJobType(type)).endEvent()
                .done(), pid);
        List<ActivatedJob> deliveries = new CopyOnWriteArrayList<>();
        JobWorkerRegistration reg = engine.registerJobHandler(type, new JobWorkerOptions(Duration.ofMillis(500), 4), job -> {
            deliveries.add(job);
            // The first worker "dies": it never completes or fails the job.
            return deliveries.size() == 1 ? new JobResult.Handled() : JobResult.complete(Map.of("by", "second"));
        });
        try {
            long instance = engine.startInstance(pid, Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> state(instance) == ProcessInstanceState.COMPLETED);
            assertEquals(2, deliveries.size());
            assertEquals(deliveries.get(0).key(), deliveries.get(1).key());
            assertEquals("second", engine.variables(instance).get("by"));
        } finally {
            reg.close();
        }
    }

    @Test
    void timersThatFellDueWhileStoppedFireOnceAfterRestart() throws InterruptedException {
        String pid = "restart-" + run;
        String type = "after-timer-" + run;
        deploy(Bpmn.createExecutableProcess(pid).startEvent().intermediateCatchEvent("wait").timerWithDuration("PT0.2S")
                .serviceTask("after", t -> t.zeebeJobType(type)).endEvent().done(), pid);
        engine.stopLoops();
        long instance;
        try {
            instance = engine.startInstance(pid, Map.of());
            Thread.sleep(600);
            assertEquals(ProcessInstanceState.ACTIVE, state(instance), "no timer fires while the loops are down");
        } finally {
            engine.startLoops();
        }
        List<ActivatedJob> jobs = new CopyOnWriteArrayList<>();
        try (JobWorkerRegistration reg = engine.registerJobHandler(type, job -> {
            jobs.add(job);
            return JobResult.complete();
        })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> state(instance) == ProcessInstanceState.COMPLETED);
        }
        assertEquals(1, jobs.size(), "the timer fired exactly once");
        assertEquals(1, engine.history(instance).stream().filter(e -> e.elementId().equals("wait")).count());
    }

    @Test
    void commandsJoinTheCallersTransactionAndRollBackWithIt() {
        String pid = "tx-" + run;
        deploy(Bpmn.createExecutableProcess(pid).startEvent().userTask("u", t -> t.zeebeUserTask()).endEvent().done(), pid);
        long[] key = new long[1];
        QuarkusTransaction.begin();
        try {
            key[0] = engine.startInstance(pid, Map.of());
            assertTrue(engine.findInstance(key[0]).isPresent(), "visible inside the caller's transaction");
        } finally {
            QuarkusTransaction.rollback();
        }
        assertTrue(engine.findInstance(key[0]).isEmpty(), "rolled back with the caller");
    }

    @Test
    void aWorkerSlotReservedByARolledBackStepIsFreedAgain() {
        String pid = "slot-" + run;
        String type = "slot-" + run;
        deploy(Bpmn.createExecutableProcess(pid).startEvent().serviceTask("t", t -> t.zeebeJobType(type)).endEvent()
                .done(), pid);
        List<ActivatedJob> deliveries = new CopyOnWriteArrayList<>();
        // One slot: the job created by the rolled-back start takes it; if it were not given back,
        // no later job of this type could ever be delivered.
        try (JobWorkerRegistration reg = engine.registerJobHandler(type, new JobWorkerOptions(Duration.ofSeconds(30), 1),
                job -> {
                    deliveries.add(job);
                    return JobResult.complete();
                })) {
            QuarkusTransaction.begin();
            try {
                engine.startInstance(pid, Map.of("attempt", "rolled back"));
            } finally {
                QuarkusTransaction.rollback();
            }
            long instance = engine.startInstance(pid, Map.of("attempt", "committed"));
            await().atMost(Duration.ofSeconds(30)).until(() -> state(instance) == ProcessInstanceState.COMPLETED);
            assertEquals(1, deliveries.size(), "the rolled-back job was never delivered");
            assertEquals("committed", deliveries.get(0).variables().get("attempt"));
        }
    }

    @Test
    void aJobSeesTheVariablesAsTheStepThatCreatedItLeavesThem() {
        String pid = "late-vars-" + run;
        String type = "late-vars-" + run;
        // The fork activates the service task first (its job is created), then the task that sets
        // a variable in the same step: the delivered job must see that variable.
        deploy(Bpmn.createExecutableProcess(pid).startEvent().parallelGateway("fork")
                .serviceTask("t", t -> t.zeebeJobType(type)).parallelGateway("join").endEvent()
                .moveToNode("fork").task("set").zeebeOutputExpression("\"late\"", "x").connectTo("join")
                .done(), pid);
        List<ActivatedJob> deliveries = new CopyOnWriteArrayList<>();
        try (JobWorkerRegistration reg = engine.registerJobHandler(type, job -> {
            deliveries.add(job);
            return JobResult.complete();
        })) {
            long instance = engine.startInstance(pid, Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> state(instance) == ProcessInstanceState.COMPLETED);
            assertEquals(1, deliveries.size());
            assertEquals("late", deliveries.get(0).variables().get("x"));
        }
    }
}
