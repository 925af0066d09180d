package io.countersign.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Engine-neutral conformance scenarios, written only against {@link WorkflowEngine} and
 * {@link WorkflowInspection}. Each concrete subclass supplies an engine (embedded, Camunda 8)
 * and inherits every scenario. Every test uses its own process ids, job types and correlation
 * keys, so runs never interfere.
 */
public abstract class WorkflowEngineConformanceTest {

    /** The engine under test. */
    protected abstract WorkflowEngine engine();

    /** The same engine's inspection interface (instances, variables, incidents, repair). */
    protected abstract WorkflowInspection inspection();

    /** Upper bound for asynchronous progress (job delivery, timers); generous on a busy machine. */
    protected Duration patience() {
        return Duration.ofSeconds(30);
    }

    private final List<JobWorkerRegistration> registrations = new CopyOnWriteArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void closeWorkers() {
        registrations.forEach(JobWorkerRegistration::close);
        registrations.clear();
    }

    // ------------------------------------------------------------------ helpers

    protected String uid(String name) {
        return name + "-" + run;
    }

    protected DeploymentResult deploy(BpmnModelInstance model) {
        String xml = Bpmn.convertToString(model);
        String id = model.getModelElementsByType(io.camunda.zeebe.model.bpmn.instance.Process.class).iterator().next()
                .getId();
        return engine().deploy(List.of(new BpmnResource(id + ".bpmn", xml.getBytes(StandardCharsets.UTF_8))));
    }

    protected void worker(String type, JobHandler handler) {
        registrations.add(engine().registerJobHandler(type, new JobWorkerOptions(Duration.ofSeconds(30), 32), handler));
    }

    protected <T> T awaitValue(Supplier<T> supplier) {
        List<T> holder = new ArrayList<>();
        await().atMost(patience()).pollInterval(Duration.ofMillis(50)).until(() -> {
            T v = supplier.get();
            if (v != null) {
                holder.add(v);
                return true;
            }
            return false;
        });
        return holder.get(0);
    }

    protected void awaitState(long instance, ProcessInstanceState state) {
        await().atMost(patience()).pollInterval(Duration.ofMillis(50))
                .until(() -> inspection().findInstance(instance).orElseThrow().state() == state);
    }

    protected UserTaskView awaitUserTask(long instance, String elementId, String state) {
        return awaitValue(() -> inspection().userTasks(instance).stream()
                .filter(t -> t.elementId().equals(elementId) && t.state().equals(state)).findFirst().orElse(null));
    }

    protected IncidentView awaitIncident(long instance) {
        return awaitValue(() -> inspection().incidents(instance).stream().findFirst().orElse(null));
    }

    protected List<String> historyIds(long instance, ElementInstanceState state) {
        return inspection().history(instance).stream().filter(e -> e.state() == state).map(ElementInstanceView::elementId)
                .collect(Collectors.toList());
    }

    protected boolean activeElement(long instance, String elementId) {
        return inspection().activeElements(instance).stream().anyMatch(e -> e.elementId().equals(elementId));
    }

    // ------------------------------------------------------------------ deployment

    @Test
    void redeployingUnchangedResourceKeepsVersionAndChangedOneAddsVersion() {
        String pid = uid("versions");
        BpmnModelInstance v1 = Bpmn.createExecutableProcess(pid).startEvent().endEvent("end1").done();
        DeployedProcess first = deploy(v1).process(pid);
        DeployedProcess again = deploy(v1).process(pid);
        assertEquals(first.version(), again.version());
        assertEquals(first.processDefinitionKey(), again.processDefinitionKey());
        assertFalse(again.newVersion());

        BpmnModelInstance v2 = Bpmn.createExecutableProcess(pid).startEvent().endEvent("end2").done();
        DeployedProcess second = deploy(v2).process(pid);
        assertEquals(first.version() + 1, second.version());

        long onOld = engine().startInstance(pid, first.version(), Map.of());
        long onLatest = engine().startInstance(pid, Map.of());
        awaitState(onOld, ProcessInstanceState.COMPLETED);
        awaitState(onLatest, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(onOld, ElementInstanceState.COMPLETED).contains("end1"));
        assertTrue(historyIds(onLatest, ElementInstanceState.COMPLETED).contains("end2"));
        assertEquals(first.version(), inspection().findInstance(onOld).orElseThrow().version());
    }

    @Test
    void processXmlOfAVersionIsTheResourceItWasDeployedFrom() {
        String pid = uid("xml");
        BpmnModelInstance v1 = Bpmn.createExecutableProcess(pid).startEvent("start-one").endEvent().done();
        BpmnModelInstance v2 = Bpmn.createExecutableProcess(pid).startEvent("start-two").endEvent().done();
        DeployedProcess first = deploy(v1).process(pid);
        DeployedProcess second = deploy(v2).process(pid);
        long instance = engine().startInstance(pid, first.version(), Map.of());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        long definition = inspection().findInstance(instance).orElseThrow().processDefinitionKey();

        assertEquals(first.processDefinitionKey(), definition);
        assertTrue(inspection().processXml(definition).contains("id=\"start-one\""));
        assertTrue(inspection().processXml(second.processDefinitionKey()).contains("id=\"start-two\""));
        assertThrows(EngineNotFoundException.class, () -> inspection().processXml(-42));
    }

    @Test
    void startingUnknownProcessIsNotFound() {
        assertThrows(EngineNotFoundException.class, () -> engine().startInstance(uid("missing"), Map.of()));
        assertThrows(EngineNotFoundException.class, () -> engine().startInstance(uid("missing"), 7, Map.of()));
    }

    // ------------------------------------------------------------------ service tasks and jobs

    @Test
    void serviceTaskJobCarriesDataAndItsVariablesAreMerged() {
        String pid = uid("service");
        String type = uid("charge");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .serviceTask("charge", t -> t.zeebeJobType(type).zeebeJobRetries("5").zeebeTaskHeader("channel", "api"))
                .endEvent().done());
        List<ActivatedJob> seen = new CopyOnWriteArrayList<>();
        worker(type, job -> {
            seen.add(job);
            return JobResult.complete(Map.of("receipt", "r-" + job.variables().get("amount")));
        });
        long instance = engine().startInstance(pid, Map.of("amount", 125));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        ActivatedJob job = seen.get(0);
        assertEquals(type, job.type());
        assertEquals(JobKind.BPMN_ELEMENT, job.kind());
        assertEquals("charge", job.elementId());
        assertEquals(instance, job.processInstanceKey());
        assertEquals(5, job.retries());
        assertEquals("api", job.customHeaders().get("channel"));
        assertEquals(125, ((Number) job.variables().get("amount")).intValue());
        assertNull(job.userTask());
        assertEquals("r-125", inspection().variables(instance).get("receipt"));
        assertEquals(List.of(pid, "charge"), inspection().history(instance).stream()
                .filter(e -> e.elementType().equals("PROCESS") || e.elementType().equals("SERVICE_TASK"))
                .map(ElementInstanceView::elementId).toList());
    }

    @Test
    void feelJobTypeIsEvaluatedPerInstance() {
        String pid = uid("feel-type");
        String type = uid("dyn");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .serviceTask("work", t -> t.zeebeJobTypeExpression("prefix + \"-x\"")).endEvent().done());
        worker(type + "-x", job -> JobResult.complete());
        long instance = engine().startInstance(pid, Map.of("prefix", type));
        awaitState(instance, ProcessInstanceState.COMPLETED);
    }

    @Test
    void completingTheSameJobTwiceIsNotFoundTheSecondTime() {
        String pid = uid("twice");
        String type = uid("twice");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().serviceTask("a", t -> t.zeebeJobType(type))
                .serviceTask("b", t -> t.zeebeJobType(type + "-b")).endEvent().done());
        List<Long> keys = new CopyOnWriteArrayList<>();
        worker(type, job -> {
            keys.add(job.key());
            engine().completeJob(job.key(), Map.of("n", 1));
            return new JobResult.Handled();
        });
        long instance = engine().startInstance(pid, Map.of());
        awaitValue(() -> activeElement(instance, "b") ? Boolean.TRUE : null);
        assertThrows(EngineNotFoundException.class, () -> engine().completeJob(keys.get(0), Map.of("n", 2)));
        assertEquals(1, ((Number) inspection().variables(instance).get("n")).intValue());
        assertEquals(1, historyIds(instance, ElementInstanceState.COMPLETED).stream().filter("a"::equals).count());
    }

    @Test
    void failedJobIsRetriedAfterBackoffThenSucceeds() {
        String pid = uid("retry");
        String type = uid("flaky");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().serviceTask("flaky", t -> t.zeebeJobType(type)
                .zeebeJobRetries("3")).endEvent().done());
        AtomicInteger calls = new AtomicInteger();
        List<Integer> retriesSeen = new CopyOnWriteArrayList<>();
        worker(type, job -> {
            retriesSeen.add(job.retries());
            if (calls.incrementAndGet() == 1) {
                return JobResult.fail(job.retries() - 1, Duration.ofMillis(100), "temporarily down");
            }
            return JobResult.complete(Map.of("ok", true));
        });
        long instance = engine().startInstance(pid, Map.of());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertEquals(List.of(3, 2), retriesSeen);
    }

    @Test
    void handlerExceptionFailsJobAndExhaustedRetriesRaiseResolvableIncident() {
        String pid = uid("incident");
        String type = uid("broken");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().serviceTask("broken", t -> t.zeebeJobType(type)
                .zeebeJobRetries("1")).endEvent().done());
        AtomicInteger calls = new AtomicInteger();
        worker(type, job -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("backend unavailable");
            }
            return JobResult.complete(Map.of("fixed", true));
        });
        long instance = engine().startInstance(pid, Map.of());
        IncidentView incident = awaitIncident(instance);
        assertEquals("JOB_NO_RETRIES", incident.errorType());
        assertEquals("broken", incident.elementId());
        assertTrue(incident.errorMessage().contains("backend unavailable"));
        assertTrue(inspection().findInstance(instance).orElseThrow().hasIncident());

        inspection().updateJobRetries(incident.jobKey(), 1);
        inspection().resolveIncident(incident.key());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertEquals(true, inspection().variables(instance).get("fixed"));
        assertTrue(inspection().incidents(instance).isEmpty());
        assertThrows(EngineNotFoundException.class, () -> inspection().resolveIncident(incident.key()));
    }

    @Test
    void cancelingInstanceTerminatesItsElementsAndItsJobs() {
        String pid = uid("cancel");
        String type = uid("never");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().serviceTask("wait", t -> t.zeebeJobType(type))
                .endEvent().done());
        List<ActivatedJob> jobs = new CopyOnWriteArrayList<>();
        worker(type, job -> {
            jobs.add(job);
            return new JobResult.Handled();
        });
        long instance = engine().startInstance(pid, Map.of());
        awaitValue(() -> jobs.isEmpty() ? null : jobs.get(0));
        engine().cancelInstance(instance);
        awaitState(instance, ProcessInstanceState.TERMINATED);
        assertTrue(inspection().activeElements(instance).isEmpty());
        assertTrue(historyIds(instance, ElementInstanceState.TERMINATED).contains("wait"));
        assertThrows(EngineNotFoundException.class, () -> engine().completeJob(jobs.get(0).key(), Map.of()));
        assertThrows(EngineNotFoundException.class, () -> engine().cancelInstance(instance));
    }

    // ------------------------------------------------------------------ gateways

    @Test
    void exclusiveGatewayTakesFirstMatchingFlowOrDefault() {
        String pid = uid("xor");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().exclusiveGateway("route")
                .conditionExpression("amount > 1000").endEvent("big")
                .moveToNode("route").conditionExpression("amount > 100").endEvent("medium")
                .moveToLastExclusiveGateway().defaultFlow().endEvent("small").done());
        long big = engine().startInstance(pid, Map.of("amount", 5000));
        long medium = engine().startInstance(pid, Map.of("amount", 500));
        long small = engine().startInstance(pid, Map.of("amount", 5));
        awaitState(big, ProcessInstanceState.COMPLETED);
        awaitState(medium, ProcessInstanceState.COMPLETED);
        awaitState(small, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(big, ElementInstanceState.COMPLETED).contains("big"));
        assertTrue(historyIds(medium, ElementInstanceState.COMPLETED).contains("medium"));
        assertTrue(historyIds(small, ElementInstanceState.COMPLETED).contains("small"));
    }

    @Test
    void exclusiveGatewayWithoutMatchRaisesIncidentResolvedAfterFixingData() {
        String pid = uid("xor-none");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().exclusiveGateway("route")
                .conditionExpression("decision = \"approve\"").endEvent("approved")
                .moveToNode("route").conditionExpression("decision = \"reject\"").endEvent("rejected").done());
        long instance = engine().startInstance(pid, Map.of("decision", "maybe"));
        IncidentView incident = awaitIncident(instance);
        assertEquals("route", incident.elementId());
        assertEquals(ProcessInstanceState.ACTIVE, inspection().findInstance(instance).orElseThrow().state());
        inspection().setVariables(instance, Map.of("decision", "reject"));
        inspection().resolveIncident(incident.key());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(instance, ElementInstanceState.COMPLETED).contains("rejected"));
    }

    @Test
    void conditionOnMissingVariableIsAnIncidentNotFalse() {
        String pid = uid("xor-missing");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().exclusiveGateway("route")
                .conditionExpression("missing > 3").endEvent("a")
                .moveToLastExclusiveGateway().defaultFlow().endEvent("b").done());
        long instance = engine().startInstance(pid, Map.of());
        IncidentView incident = awaitIncident(instance);
        assertEquals("route", incident.elementId());
        assertFalse(historyIds(instance, ElementInstanceState.COMPLETED).contains("b"));
    }

    @Test
    void parallelGatewayForksAndJoinsOnce() {
        String pid = uid("and");
        String a = uid("left");
        String b = uid("right");
        String after = uid("after");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().parallelGateway("fork")
                .serviceTask("left", t -> t.zeebeJobType(a)).parallelGateway("join")
                .serviceTask("after", t -> t.zeebeJobType(after)).endEvent()
                .moveToNode("fork").serviceTask("right", t -> t.zeebeJobType(b)).connectTo("join").done());
        worker(a, job -> JobResult.complete(Map.of("l", 1)));
        worker(b, job -> JobResult.complete(Map.of("r", 2)));
        AtomicInteger afterCalls = new AtomicInteger();
        worker(after, job -> {
            afterCalls.incrementAndGet();
            return JobResult.complete(Map.of("sum", ((Number) job.variables().get("l")).intValue()
                    + ((Number) job.variables().get("r")).intValue()));
        });
        long instance = engine().startInstance(pid, Map.of());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertEquals(1, afterCalls.get());
        assertEquals(3, ((Number) inspection().variables(instance).get("sum")).intValue());
        assertEquals(1, historyIds(instance, ElementInstanceState.COMPLETED).stream().filter("join"::equals).count());
    }

    // ------------------------------------------------------------------ user tasks and listeners

    @Test
    void userTaskAssignmentFromFeelAndStaticValuesAndCompletionMergesVariables() {
        String pid = uid("user");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .userTask("review", t -> t.zeebeUserTask().zeebeCandidateGroupsExpression("groups")
                        .zeebeCandidateUsers("alice, bob").zeebeDueDate("2031-01-01T10:00:00Z"))
                .endEvent().done());
        long instance = engine().startInstance(pid, Map.of("groups", List.of("dba", "sre")));
        UserTaskView task = awaitUserTask(instance, "review", "CREATED");
        assertEquals(List.of("dba", "sre"), task.candidateGroups());
        assertEquals(List.of("alice", "bob"), task.candidateUsers());
        assertEquals(OffsetDateTime.parse("2031-01-01T10:00:00Z").toInstant(), task.dueDate().toInstant());
        assertNull(task.assignee());
        engine().assignUserTask(task.userTaskKey(), "alice");
        awaitValue(() -> "alice".equals(inspection().userTasks(instance).get(0).assignee()) ? Boolean.TRUE : null);
        engine().completeUserTask(task.userTaskKey(), Map.of("decision", "approve"));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertEquals("approve", inspection().variables(instance).get("decision"));
        assertThrows(EngineNotFoundException.class, () -> engine().completeUserTask(task.userTaskKey(), Map.of()));
    }

    @Test
    void creatingListenerBlocksTaskUntilItsJobCompletesAndCarriesUserTaskData() {
        String pid = uid("listen");
        String created = uid("inbox-open");
        String closed = uid("inbox-close");
        String completing = uid("inbox-completing");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .userTask("review", t -> t.zeebeUserTask().zeebeCandidateGroupsExpression("[group]")
                        .zeebeAssignee("carol")
                        .zeebeTaskListener(l -> l.creating().type(created))
                        .zeebeTaskListener(l -> l.completing().type(completing))
                        .zeebeTaskListener(l -> l.canceling().type(closed)))
                .endEvent().done());
        long instance = engine().startInstance(pid, Map.of("group", "dba"));
        UserTaskView creating = awaitUserTask(instance, "review", "CREATING");
        assertThrows(EngineConflictException.class, () -> engine().completeUserTask(creating.userTaskKey(), Map.of()));

        Map<String, ActivatedJob> listenerJobs = new ConcurrentHashMap<>();
        worker(created, job -> {
            listenerJobs.put("creating", job);
            return JobResult.complete();
        });
        worker(completing, job -> {
            listenerJobs.put("completing", job);
            return JobResult.complete();
        });
        UserTaskView task = awaitUserTask(instance, "review", "CREATED");
        assertEquals("carol", task.assignee());
        ActivatedJob job = listenerJobs.get("creating");
        assertEquals(JobKind.TASK_LISTENER, job.kind());
        assertEquals(ListenerEventType.CREATING, job.listenerEventType());
        assertNotNull(job.userTask());
        assertEquals(task.userTaskKey(), job.userTask().userTaskKey());
        assertEquals(List.of("dba"), job.userTask().candidateGroups());
        assertEquals("review", job.userTask().elementId());
        assertEquals(instance, job.userTask().processInstanceKey());

        engine().completeUserTask(task.userTaskKey(), Map.of("decision", "approve"));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertEquals(ListenerEventType.COMPLETING, listenerJobs.get("completing").listenerEventType());
        assertEquals("approve", inspection().variables(instance).get("decision"));
    }

    @Test
    void assigningListenerRunsBeforeTheAssigneeTakesEffectAndNullUnassigns() {
        String pid = uid("assign-listen");
        String assigning = uid("assigning");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .userTask("review", t -> t.zeebeUserTask().zeebeCandidateGroups("dba")
                        .zeebeTaskListener(l -> l.assigning().type(assigning)))
                .endEvent().done());
        long instance = engine().startInstance(pid, Map.of());
        UserTaskView task = awaitUserTask(instance, "review", "CREATED");
        engine().assignUserTask(task.userTaskKey(), "dora");
        // no worker yet: the task waits in ASSIGNING and does not take other commands
        awaitUserTask(instance, "review", "ASSIGNING");
        assertNull(inspection().userTasks(instance).get(0).assignee());
        assertThrows(EngineConflictException.class, () -> engine().assignUserTask(task.userTaskKey(), "erin"));
        List<ActivatedJob> jobs = new CopyOnWriteArrayList<>();
        worker(assigning, job -> {
            jobs.add(job);
            return JobResult.complete();
        });
        awaitValue(() -> "dora".equals(inspection().userTasks(instance).get(0).assignee())
                && "CREATED".equals(inspection().userTasks(instance).get(0).state()) ? Boolean.TRUE : null);
        assertEquals(ListenerEventType.ASSIGNING, jobs.get(0).listenerEventType());
        assertEquals(task.userTaskKey(), jobs.get(0).userTask().userTaskKey());

        engine().assignUserTask(task.userTaskKey(), null);
        awaitValue(() -> inspection().userTasks(instance).get(0).assignee() == null
                && "CREATED".equals(inspection().userTasks(instance).get(0).state()) ? Boolean.TRUE : null);
        assertEquals(2, jobs.size());
    }

    @Test
    void candidateGroupsOfAnOpenTaskCanBeReplaced() {
        String pid = uid("candidates");
        String creating = uid("creating");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .userTask("review", t -> t.zeebeUserTask().zeebeCandidateGroupsExpression("[group]")
                        .zeebeTaskListener(l -> l.creating().type(creating)))
                .endEvent().done());
        long instance = engine().startInstance(pid, Map.of("group", "dba"));
        UserTaskView busy = awaitUserTask(instance, "review", "CREATING");
        assertThrows(EngineConflictException.class,
                () -> engine().updateUserTaskCandidateGroups(busy.userTaskKey(), List.of("dba", "oncall")));
        worker(creating, job -> JobResult.complete());
        UserTaskView task = awaitUserTask(instance, "review", "CREATED");
        assertEquals(List.of("dba"), task.candidateGroups());

        engine().updateUserTaskCandidateGroups(task.userTaskKey(), List.of("dba", "oncall"));
        awaitValue(() -> List.of("dba", "oncall").equals(inspection().userTasks(instance).get(0).candidateGroups())
                ? Boolean.TRUE : null);
        engine().completeUserTask(task.userTaskKey(), Map.of());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertThrows(EngineNotFoundException.class,
                () -> engine().updateUserTaskCandidateGroups(task.userTaskKey(), List.of("oncall")));
        assertThrows(EngineNotFoundException.class, () -> engine().assignUserTask(task.userTaskKey(), "dora"));
    }

    @Test
    void cancelingListenerRunsBeforeTheTaskIsTerminated() {
        String pid = uid("cancel-listen");
        String closed = uid("close");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .userTask("review", t -> t.zeebeUserTask().zeebeTaskListener(l -> l.canceling().type(closed)))
                .endEvent().done());
        long instance = engine().startInstance(pid, Map.of());
        UserTaskView task = awaitUserTask(instance, "review", "CREATED");
        engine().cancelInstance(instance);
        awaitUserTask(instance, "review", "CANCELING");
        assertEquals(ProcessInstanceState.ACTIVE, inspection().findInstance(instance).orElseThrow().state());
        List<ActivatedJob> jobs = new CopyOnWriteArrayList<>();
        worker(closed, job -> {
            jobs.add(job);
            return JobResult.complete();
        });
        awaitState(instance, ProcessInstanceState.TERMINATED);
        assertEquals(ListenerEventType.CANCELING, jobs.get(0).listenerEventType());
        assertEquals(task.userTaskKey(), jobs.get(0).userTask().userTaskKey());
    }

    // ------------------------------------------------------------------ timers

    @Test
    void timerIntermediateCatchEventFiresAfterDuration() {
        String pid = uid("timer-catch");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().intermediateCatchEvent("wait")
                .timerWithDuration("PT0.5S").endEvent().done());
        long instance = engine().startInstance(pid, Map.of());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(instance, ElementInstanceState.COMPLETED).contains("wait"));
    }

    @Test
    void timerDateInThePastFiresAtOnce() {
        String pid = uid("timer-date");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().intermediateCatchEvent("wait")
                .timerWithDateExpression("date and time(\"2020-01-01T00:00:00Z\")").endEvent().done());
        long instance = engine().startInstance(pid, Map.of());
        awaitState(instance, ProcessInstanceState.COMPLETED);
    }

    @Test
    void interruptingTimerBoundaryCancelsTaskAndFollowsBoundaryFlow() {
        String pid = uid("timeout");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .userTask("review", t -> t.zeebeUserTask()).endEvent("decided")
                .moveToActivity("review").boundaryEvent("expire", b -> b.cancelActivity(true)
                        .timerWithDurationExpression("timeout"))
                .endEvent("expired").done());
        long instance = engine().startInstance(pid, Map.of("timeout", "PT0.5S"));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(instance, ElementInstanceState.TERMINATED).contains("review"));
        assertTrue(historyIds(instance, ElementInstanceState.COMPLETED).contains("expired"));
        assertFalse(historyIds(instance, ElementInstanceState.COMPLETED).contains("decided"));
    }

    @Test
    void nonInterruptingTimerCycleFiresRepeatedlyWhileTaskStaysOpen() {
        String pid = uid("remind");
        String remind = uid("remind");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .userTask("review", t -> t.zeebeUserTask()).endEvent("decided")
                .moveToActivity("review").boundaryEvent("reminder", b -> b.cancelActivity(false)
                        .timerWithCycle("R2/PT0.3S"))
                .serviceTask("notify", t -> t.zeebeJobType(remind)).endEvent("reminded").done());
        AtomicInteger reminders = new AtomicInteger();
        worker(remind, job -> {
            reminders.incrementAndGet();
            return JobResult.complete();
        });
        long instance = engine().startInstance(pid, Map.of());
        UserTaskView task = awaitUserTask(instance, "review", "CREATED");
        awaitValue(() -> historyIds(instance, ElementInstanceState.COMPLETED).stream().filter("reminded"::equals)
                .count() == 2 ? Boolean.TRUE : null);
        assertEquals(2, reminders.get());
        assertEquals(ProcessInstanceState.ACTIVE, inspection().findInstance(instance).orElseThrow().state());
        engine().completeUserTask(task.userTaskKey(), Map.of());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertEquals(2, historyIds(instance, ElementInstanceState.COMPLETED).stream().filter("reminder"::equals).count());
    }

    // ------------------------------------------------------------------ messages

    @Test
    void messageCatchEventCorrelatesByKeyAndMergesVariables() {
        String pid = uid("msg");
        String name = uid("paid");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().intermediateCatchEvent("waitPaid")
                .message(m -> m.name(name).zeebeCorrelationKeyExpression("orderId")).endEvent().done());
        long one = engine().startInstance(pid, Map.of("orderId", uid("o1")));
        long two = engine().startInstance(pid, Map.of("orderId", uid("o2")));
        awaitValue(() -> activeElement(one, "waitPaid") && activeElement(two, "waitPaid") ? Boolean.TRUE : null);
        engine().publishMessage(name, uid("o1"), Duration.ZERO, null, Map.of("paidBy", "card"));
        awaitState(one, ProcessInstanceState.COMPLETED);
        assertEquals("card", inspection().variables(one).get("paidBy"));
        assertEquals(ProcessInstanceState.ACTIVE, inspection().findInstance(two).orElseThrow().state());
        engine().cancelInstance(two);
    }

    @Test
    void bufferedMessageIsCorrelatedToLaterSubscriptionAndMessageIdDeduplicates() {
        String pid = uid("msg-buffer");
        String name = uid("early");
        String key = uid("k");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().intermediateCatchEvent("wait")
                .message(m -> m.name(name).zeebeCorrelationKeyExpression("key")).endEvent().done());
        engine().publishMessage(name, key, Duration.ofMinutes(5), "m-1", Map.of("early", true));
        assertThrows(EngineConflictException.class,
                () -> engine().publishMessage(name, key, Duration.ofMinutes(5), "m-1", Map.of()));
        long instance = engine().startInstance(pid, Map.of("key", key));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertEquals(true, inspection().variables(instance).get("early"));
    }

    @Test
    void messageBoundaryEventInterruptsUserTask() {
        String pid = uid("msg-boundary");
        String name = uid("withdrawn");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .userTask("review", t -> t.zeebeUserTask()).endEvent("decided")
                .moveToActivity("review").boundaryEvent("cancelled", b -> b.cancelActivity(true)
                        .message(m -> m.name(name).zeebeCorrelationKeyExpression("requestId")))
                .endEvent("withdrawnEnd").done());
        String requestId = uid("req");
        long instance = engine().startInstance(pid, Map.of("requestId", requestId));
        awaitUserTask(instance, "review", "CREATED");
        engine().publishMessage(name, requestId, Duration.ZERO, null, Map.of("reason", "agent cancelled"));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(instance, ElementInstanceState.TERMINATED).contains("review"));
        assertTrue(historyIds(instance, ElementInstanceState.COMPLETED).contains("withdrawnEnd"));
        assertEquals("agent cancelled", inspection().variables(instance).get("reason"));
        assertTrue(inspection().userTasks(instance).isEmpty());
    }

    // ------------------------------------------------------------------ variables and mappings

    @Test
    void ioMappingsKeepInputsLocalAndPropagateOnlyOutputs() {
        String pid = uid("io");
        String type = uid("io");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .serviceTask("work", t -> t.zeebeJobType(type).zeebeInputExpression("order.amount * 2", "doubled")
                        .zeebeOutputExpression("result + \"!\"", "final"))
                .endEvent().done());
        List<ActivatedJob> jobs = new CopyOnWriteArrayList<>();
        worker(type, job -> {
            jobs.add(job);
            return JobResult.complete(Map.of("result", "done"));
        });
        long instance = engine().startInstance(pid, Map.of("order", Map.of("amount", 21)));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertEquals(42, ((Number) jobs.get(0).variables().get("doubled")).intValue());
        Map<String, Object> vars = inspection().variables(instance);
        assertEquals("done!", vars.get("final"));
        assertFalse(vars.containsKey("doubled"), "input mappings stay local");
        assertFalse(vars.containsKey("result"), "with outputs, job variables stay local");
    }

    @Test
    void inputMappingFailureIsIncidentAndResolvesAfterFix() {
        String pid = uid("io-fail");
        String type = uid("io-fail");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .serviceTask("work", t -> t.zeebeJobType(type).zeebeInputExpression("assert(x, x != null)", "y"))
                .endEvent().done());
        worker(type, job -> JobResult.complete());
        long instance = engine().startInstance(pid, Map.of());
        IncidentView incident = awaitIncident(instance);
        assertEquals("work", incident.elementId());
        inspection().setVariables(instance, Map.of("x", 1));
        inspection().resolveIncident(incident.key());
        awaitState(instance, ProcessInstanceState.COMPLETED);
    }

    @Test
    void embeddedSubProcessScopesVariablesAndCompletes() {
        String pid = uid("sub");
        String type = uid("sub");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().subProcess("inner", s -> s.zeebeInputExpression("1", "local"))
                .embeddedSubProcess().startEvent().serviceTask("work", t -> t.zeebeJobType(type)).endEvent()
                .subProcessDone().endEvent().done());
        worker(type, job -> JobResult.complete(Map.of("local", 2, "global", 3)));
        long instance = engine().startInstance(pid, Map.of());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        Map<String, Object> vars = inspection().variables(instance);
        assertFalse(vars.containsKey("local"), "updated in the sub-process scope, not propagated");
        assertEquals(3, ((Number) vars.get("global")).intValue());
        assertTrue(historyIds(instance, ElementInstanceState.COMPLETED).contains("inner"));
    }

    @Test
    void terminateEndEventEndsParallelBranches() {
        String pid = uid("terminate");
        deploy(Bpmn.createExecutableProcess(pid).startEvent().parallelGateway("fork")
                .userTask("slow", t -> t.zeebeUserTask()).endEvent("normal")
                .moveToNode("fork").endEvent("stop", e -> e.terminate()).done());
        long instance = engine().startInstance(pid, Map.of());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(instance, ElementInstanceState.TERMINATED).contains("slow"));
        assertTrue(inspection().userTasks(instance).isEmpty());
    }

    // ------------------------------------------------------------------ multi-instance

    @Test
    void sequentialMultiInstanceUserTaskCollectsOneDecisionPerApprover() {
        String pid = uid("mi-seq");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .userTask("approve", t -> t.zeebeUserTask().zeebeAssigneeExpression("approver")
                        .multiInstance(mi -> mi.sequential().zeebeInputCollectionExpression("approvers")
                                .zeebeInputElement("approver").zeebeOutputCollection("decisions")
                                .zeebeOutputElementExpression("{by: approver, decision: decision}")))
                .endEvent().done());
        long instance = engine().startInstance(pid, Map.of("approvers", List.of("ann", "ben")));
        UserTaskView first = awaitUserTask(instance, "approve", "CREATED");
        assertEquals("ann", first.assignee());
        assertEquals(1, inspection().userTasks(instance).size(), "sequential: one at a time");
        engine().completeUserTask(first.userTaskKey(), Map.of("decision", "yes"));
        UserTaskView second = awaitValue(() -> inspection().userTasks(instance).stream()
                .filter(t -> "CREATED".equals(t.state()) && t.userTaskKey() != first.userTaskKey()).findFirst()
                .orElse(null));
        assertEquals("ben", second.assignee());
        engine().completeUserTask(second.userTaskKey(), Map.of("decision", "no"));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertEquals(List.of(Map.of("by", "ann", "decision", "yes"), Map.of("by", "ben", "decision", "no")),
                inspection().variables(instance).get("decisions"));
    }

    @Test
    void parallelMultiInstanceServiceTaskRunsAllItems() {
        String pid = uid("mi-par");
        String type = uid("mi-par");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .serviceTask("square", t -> t.zeebeJobType(type)
                        .multiInstance(mi -> mi.parallel().zeebeInputCollectionExpression("items")
                                .zeebeInputElement("item").zeebeOutputCollection("squares")
                                .zeebeOutputElementExpression("sq")))
                .endEvent().done());
        worker(type, job -> {
            int item = ((Number) job.variables().get("item")).intValue();
            return JobResult.complete(Map.of("sq", item * item));
        });
        long instance = engine().startInstance(pid, Map.of("items", List.of(1, 2, 3)));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        List<?> squares = (List<?>) inspection().variables(instance).get("squares");
        assertEquals(List.of(1, 4, 9), squares.stream().map(n -> ((Number) n).intValue()).toList());
    }

    @Test
    void multiInstanceOnEmptyCollectionCompletesAtOnce() {
        String pid = uid("mi-empty");
        deploy(Bpmn.createExecutableProcess(pid).startEvent()
                .userTask("approve", t -> t.zeebeUserTask().multiInstance(mi -> mi.sequential()
                        .zeebeInputCollectionExpression("approvers").zeebeInputElement("approver")))
                .endEvent().done());
        long instance = engine().startInstance(pid, Map.of("approvers", List.of()));
        awaitState(instance, ProcessInstanceState.COMPLETED);
    }

    // ------------------------------------------------------------------ combined: approval shape

    /** The shape of Countersign's approval process, built here so the engine is proven on it. */
    protected BpmnModelInstance approvalShape(String pid, String prefix) {
        return Bpmn.createExecutableProcess(pid).startEvent("submitted")
                .serviceTask("prepare", t -> t.zeebeJobType(prefix + "-prepare"))
                .userTask("review", t -> t.zeebeUserTask().zeebeCandidateGroupsExpression("reviewerGroups")
                        .zeebeTaskListener(l -> l.creating().type(prefix + "-inbox-open"))
                        .zeebeTaskListener(l -> l.canceling().type(prefix + "-inbox-close"))
                        .multiInstance(mi -> mi.sequential().zeebeInputCollectionExpression("for x in 1..approvals return x")
                                .zeebeInputElement("round").zeebeOutputCollection("decisions")
                                .zeebeOutputElementExpression("{decision: decision, by: decidedBy}")))
                .exclusiveGateway("decide")
                .conditionExpression("every d in decisions satisfies d.decision = \"approve\" and "
                        + "count(distinct values(decisions.by)) = approvals")
                .serviceTask("release", t -> t.zeebeJobType(prefix + "-release")).endEvent("approved")
                .moveToLastExclusiveGateway().defaultFlow().endEvent("rejected")
                .moveToActivity("review").boundaryEvent("escalate", b -> b.cancelActivity(false)
                        .timerWithDurationExpression("escalateAfter"))
                .serviceTask("notifyEscalation", t -> t.zeebeJobType(prefix + "-escalate")).endEvent("escalated")
                .moveToActivity("review").boundaryEvent("expire", b -> b.cancelActivity(true)
                        .timerWithDurationExpression("timeout"))
                .endEvent("expired")
                .moveToActivity("review").boundaryEvent("withdraw", b -> b.cancelActivity(true)
                        .message(m -> m.name(prefix + "-withdrawn").zeebeCorrelationKeyExpression("requestId")))
                .endEvent("withdrawn").done();
    }

    private final Map<String, List<Long>> inbox = new ConcurrentHashMap<>();

    private void approvalWorkers(String prefix) {
        worker(prefix + "-prepare", job -> JobResult.complete(Map.of("prepared", true)));
        worker(prefix + "-inbox-open", job -> {
            inbox.computeIfAbsent("open", k -> new CopyOnWriteArrayList<>()).add(job.userTask().userTaskKey());
            return JobResult.complete();
        });
        worker(prefix + "-inbox-close", job -> {
            inbox.computeIfAbsent("close", k -> new CopyOnWriteArrayList<>()).add(job.userTask().userTaskKey());
            return JobResult.complete();
        });
        worker(prefix + "-escalate", job -> JobResult.complete(Map.of("escalatedTo", "ops")));
        worker(prefix + "-release", job -> JobResult.complete(Map.of("released", true)));
    }

    private Map<String, Object> approvalVars(String requestId, int approvals, String timeout) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("requestId", requestId);
        vars.put("reviewerGroups", List.of("dba"));
        vars.put("approvals", approvals);
        vars.put("timeout", timeout);
        vars.put("escalateAfter", "PT1H");
        return vars;
    }

    @Test
    void approvalWithTwoDistinctApproversReleases() {
        String prefix = uid("appr");
        String pid = uid("approval");
        deploy(approvalShape(pid, prefix));
        approvalWorkers(prefix);
        long instance = engine().startInstance(pid, approvalVars(uid("r1"), 2, "PT1H"));
        UserTaskView first = awaitUserTask(instance, "review", "CREATED");
        assertEquals(List.of("dba"), first.candidateGroups());
        engine().completeUserTask(first.userTaskKey(), Map.of("decision", "approve", "decidedBy", "ann"));
        UserTaskView second = awaitValue(() -> inspection().userTasks(instance).stream()
                .filter(t -> "CREATED".equals(t.state()) && t.userTaskKey() != first.userTaskKey()).findFirst()
                .orElse(null));
        engine().completeUserTask(second.userTaskKey(), Map.of("decision", "approve", "decidedBy", "ben"));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(instance, ElementInstanceState.COMPLETED).contains("approved"));
        assertEquals(true, inspection().variables(instance).get("released"));
        assertTrue(inbox.get("open").containsAll(List.of(first.userTaskKey(), second.userTaskKey())));
    }

    @Test
    void approvalWithTheSameApproverTwiceIsRejected() {
        String prefix = uid("same");
        String pid = uid("approval-same");
        deploy(approvalShape(pid, prefix));
        approvalWorkers(prefix);
        long instance = engine().startInstance(pid, approvalVars(uid("r2"), 2, "PT1H"));
        UserTaskView first = awaitUserTask(instance, "review", "CREATED");
        engine().completeUserTask(first.userTaskKey(), Map.of("decision", "approve", "decidedBy", "ann"));
        UserTaskView second = awaitValue(() -> inspection().userTasks(instance).stream()
                .filter(t -> "CREATED".equals(t.state()) && t.userTaskKey() != first.userTaskKey()).findFirst()
                .orElse(null));
        engine().completeUserTask(second.userTaskKey(), Map.of("decision", "approve", "decidedBy", "ann"));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(instance, ElementInstanceState.COMPLETED).contains("rejected"));
        assertNull(inspection().variables(instance).get("released"));
    }

    @Test
    void approvalTimesOutAndClosesInboxThroughCancelingListener() {
        String prefix = uid("exp");
        String pid = uid("approval-expire");
        deploy(approvalShape(pid, prefix));
        approvalWorkers(prefix);
        long instance = engine().startInstance(pid, approvalVars(uid("r3"), 1, "PT0.5S"));
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(instance, ElementInstanceState.COMPLETED).contains("expired"));
        List<Long> opened = inbox.get("open");
        assertEquals(opened, inbox.get("close"), "every opened inbox row is closed");
    }

    @Test
    void approvalWithdrawnByMessageAndEscalatedWithoutInterrupting() {
        String prefix = uid("wd");
        String pid = uid("approval-withdraw");
        deploy(approvalShape(pid, prefix));
        approvalWorkers(prefix);
        String requestId = uid("r4");
        Map<String, Object> vars = approvalVars(requestId, 1, "PT1H");
        vars.put("escalateAfter", "PT0.3S");
        long instance = engine().startInstance(pid, vars);
        awaitValue(() -> "ops".equals(inspection().variables(instance).get("escalatedTo")) ? Boolean.TRUE : null);
        UserTaskView task = awaitUserTask(instance, "review", "CREATED");
        engine().publishMessage(prefix + "-withdrawn", requestId, Duration.ZERO, null, Map.of());
        awaitState(instance, ProcessInstanceState.COMPLETED);
        assertTrue(historyIds(instance, ElementInstanceState.COMPLETED).contains("withdrawn"));
        assertTrue(historyIds(instance, ElementInstanceState.COMPLETED).contains("escalated"));
        assertTrue(inbox.get("close").contains(task.userTaskKey()));
    }

    // ------------------------------------------------------------------ queries

    @Test
    void queriesOnUnknownInstanceAreNotFound() {
        long unknown = Long.MAX_VALUE - 7;
        assertTrue(inspection().findInstance(unknown).isEmpty());
        assertThrows(EngineNotFoundException.class, () -> inspection().activeElements(unknown));
        assertThrows(EngineNotFoundException.class, () -> inspection().history(unknown));
        assertThrows(EngineNotFoundException.class, () -> inspection().variables(unknown));
        assertThrows(EngineNotFoundException.class, () -> inspection().incidents(unknown));
        assertThrows(EngineNotFoundException.class, () -> inspection().userTasks(unknown));
        assertThrows(EngineNotFoundException.class, () -> engine().completeUserTask(unknown, Map.of()));
        assertThrows(EngineNotFoundException.class, () -> engine().completeJob(unknown, Map.of()));
        assertThrows(EngineNotFoundException.class, () -> engine().failJob(unknown, 0, Duration.ZERO, "x"));
    }

    @Test
    void invalidDeploymentIsRefusedAsAWhole() {
        String pid = uid("bad");
        String ok = uid("fine");
        BpmnResource good = new BpmnResource("ok.bpmn", Bpmn.convertToString(Bpmn.createExecutableProcess(ok)
                .startEvent().endEvent().done()).getBytes(StandardCharsets.UTF_8));
        BpmnResource bad = new BpmnResource("bad.bpmn", Bpmn.convertToString(Bpmn.createExecutableProcess(pid)
                .startEvent().serviceTask("noType").endEvent().done()).getBytes(StandardCharsets.UTF_8));
        DeploymentRejectedException e = assertThrows(DeploymentRejectedException.class,
                () -> engine().deploy(List.of(good, bad)));
        assertTrue(e.problems().stream().anyMatch(p -> p.elementId().equals("noType")), e.problems().toString());
        assertThrows(EngineNotFoundException.class, () -> engine().startInstance(ok, Map.of()));
    }
}
