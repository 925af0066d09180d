package io.countersign.engine.embedded;

import io.countersign.engine.ActivatedJob;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.DeploymentResult;
import io.countersign.engine.EngineConflictException;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.JobKind;
import io.countersign.engine.ListenerEventType;
import io.countersign.engine.UserTaskProperties;
import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.embedded.Step.Cmd;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The embedded engine's commands. Each runs inside one transaction (given as a {@link Db}) and
 * leaves the instance in a consistent state: it locks the instance row first, then queues
 * element commands that a {@link Step} drains, so one step is atomic and instances never
 * advance concurrently. What each element kind does lives in its {@link ElementBehavior};
 * every read and write goes through the step's {@link EngineStore}.
 */
final class EngineCore {

    static final String BODY = "MULTI_INSTANCE_BODY";

    private final ProcessDefinitions definitions = new ProcessDefinitions();
    private final JdbcEngineStore.KeyGenerator keys = new JdbcEngineStore.KeyGenerator();
    private final EngineSignals signals = new EngineSignals();

    /**
     * Hands service-task jobs to a local worker right after the commit that created them, so the
     * job loop does not have to claim them in a transaction of its own (see JobRuntime#reserve).
     */
    interface JobPush {
        /** Reserves a running slot of the type's local worker; null when there is none or it is full. */
        Reservation reserve(String type);
    }

    /** A reserved worker slot: exactly one of {@code deliver} (after commit) or {@code release}. */
    interface Reservation {
        Duration timeout();

        void deliver(ActivatedJob job);

        void release();
    }

    void onJobPush(JobPush p) {
        signals.jobPush = p;
    }

    void onJobsAvailable(Consumer<Set<String>> c) {
        signals.jobsAvailable = c;
    }

    void onTimerScheduled(Consumer<OffsetDateTime> c) {
        signals.timerScheduled = c;
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> safeVars(Map<String, Object> vars) {
        if (vars == null) {
            return Map.of();
        }
        // Round-trip through JSON so only JSON-compatible values enter the engine.
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) Json.read(Json.write(vars));
        return copy;
    }

    private Step step(Db db) {
        OffsetDateTime now = now();
        return new Step(new JdbcEngineStore(db, keys, now), definitions, signals, now);
    }

    private EngineStore store(Db db) {
        return new JdbcEngineStore(db, keys, now());
    }

    // ---------------------------------------------------------------- deployment and instances

    DeploymentResult deploy(Db db, List<BpmnResource> resources) {
        OffsetDateTime now = now();
        return definitions.deploy(new JdbcEngineStore(db, keys, now), resources, now);
    }

    long startInstance(Db db, String bpmnProcessId, Integer version, Map<String, Object> variables) {
        Step s = step(db);
        EngineStore store = s.store;
        EngineStore.ProcessVersion p = version == null ? store.latestProcess(bpmnProcessId)
                : store.process(bpmnProcessId, version);
        if (p == null) {
            throw new EngineNotFoundException("no deployed process '" + bpmnProcessId + "'"
                    + (version == null ? "" : " with version " + version));
        }
        ProcessModel model = definitions.model(store, p.processKey());
        String businessId = variables != null && variables.get(WorkflowEngine.BUSINESS_ID_VARIABLE) instanceof String b
                && !b.isBlank() ? b : null;
        if (businessId != null) {
            Long active = store.activeInstanceWithBusinessId(bpmnProcessId, businessId);
            if (active != null) {
                throw new EngineConflictException("process instance " + active + " of '" + bpmnProcessId
                        + "' with business id '" + businessId + "' is still active");
            }
        }
        long key = store.nextKey();
        s.b.knowInstance(key, model);
        store.insertInstance(key, model.processDefinitionKey(), bpmnProcessId, model.version(), s.b.now, businessId);
        ElementRow process = store.insertElement(new ElementRow(key, key, -1, bpmnProcessId, "PROCESS", "ACTIVATED", 0,
                null));
        for (Map.Entry<String, Object> v : safeVars(variables).entrySet()) {
            store.setLocal(key, key, v.getKey(), v.getValue());
        }
        s.b.of(process).onActivated(process, model.node(bpmnProcessId));
        s.run();
        return key;
    }

    void cancelInstance(Db db, long instanceKey) {
        Step s = step(db);
        InstanceRow i = s.lockInstance(instanceKey);
        if (i == null || !"ACTIVE".equals(i.state())) {
            throw new EngineNotFoundException("no active process instance with key " + instanceKey);
        }
        if ("TERMINATING".equals(s.store.element(instanceKey).state())) {
            return;
        }
        s.enqueue(Cmd.TERMINATE, instanceKey);
        s.run();
    }

    void setVariables(Db db, long elementKey, Map<String, Object> variables) {
        Step s = step(db);
        Long instanceKey = s.store.instanceOfActiveElement(elementKey);
        if (instanceKey == null) {
            throw new EngineNotFoundException("no active element instance with key " + elementKey);
        }
        s.lockInstance(instanceKey);
        if (s.store.element(elementKey).ended()) {
            throw new EngineNotFoundException("no active element instance with key " + elementKey);
        }
        s.b.variables.propagate(elementKey, instanceKey, safeVars(variables));
    }

    // ---------------------------------------------------------------- user tasks

    void completeUserTask(Db db, long userTaskKey, Map<String, Object> variables) {
        Step s = step(db);
        UserTaskRow ut = createdUserTask(s, userTaskKey, "it can be completed");
        String vars = Json.write(safeVars(variables));
        if (s.b.userTasks.hasListeners(ut, ListenerEventType.COMPLETING)) {
            s.store.setPendingVariables(userTaskKey, vars);
        }
        s.b.userTasks.beginTransition(ut.withPendingVariables(vars), ListenerEventType.COMPLETING);
        s.run();
    }

    void assignUserTask(Db db, long userTaskKey, String assignee) {
        Step s = step(db);
        UserTaskRow ut = createdUserTask(s, userTaskKey, "it can be assigned");
        if (s.b.userTasks.hasListeners(ut, ListenerEventType.ASSIGNING)) {
            s.store.setPendingAssignee(userTaskKey, assignee);
        }
        s.b.userTasks.beginTransition(ut.withPendingAssignee(assignee), ListenerEventType.ASSIGNING);
        s.run();
    }

    /** Replaces the candidate groups of a CREATED user task (no {@code updating} listeners in the subset). */
    void updateUserTaskCandidateGroups(Db db, long userTaskKey, List<String> candidateGroups) {
        Step s = step(db);
        createdUserTask(s, userTaskKey, "its candidate groups can be updated");
        s.store.setCandidateGroups(userTaskKey, Json.write(List.copyOf(candidateGroups)));
    }

    /** Locks an open user task that must be CREATED for the command ({@code what} says what can be done then). */
    private static UserTaskRow createdUserTask(Step s, long userTaskKey, String what) {
        UserTaskRow ut = s.lockUserTask(userTaskKey);
        if (!"CREATED".equals(ut.state())) {
            throw new EngineConflictException("user task " + userTaskKey + " is " + ut.state() + ", " + what
                    + " only when CREATED");
        }
        return ut;
    }

    // ---------------------------------------------------------------- jobs

    /** Locks a job that a worker may still complete, fail or throw from ({@code refused} ends the conflict message). */
    private static JobRow openJob(Step s, long jobKey, String refused) {
        JobRow job = s.lockJob(jobKey);
        if (!job.open()) {
            throw new EngineConflictException("job " + jobKey + " is " + job.state() + refused);
        }
        return job;
    }

    void completeJob(Db db, long jobKey, Map<String, Object> variables) {
        Step s = step(db);
        JobRow job = openJob(s, jobKey, " and cannot be completed");
        Map<String, Object> vars = safeVars(variables);
        if ("TASK_LISTENER".equals(job.kind()) && !vars.isEmpty()) {
            throw new EngineConflictException("task listener job " + jobKey + " cannot be completed with variables");
        }
        s.store.deleteJob(jobKey);
        ElementRow e = s.store.element(job.elementKey());
        if ("BPMN_ELEMENT".equals(job.kind())) {
            if ("ACTIVATED".equals(e.state())) {
                s.b.variables.setEventVariables(e, s.b.node(e), vars);
                s.enqueue(Cmd.COMPLETE, e.key());
            }
        } else {
            UserTaskRow ut = s.store.userTaskOfElement(e.key());
            if (ut != null) {
                s.b.userTasks.listenerCompleted(ut, ListenerEventType.valueOf(job.listenerEvent()));
            }
        }
        s.run();
    }

    void failJob(Db db, long jobKey, int retries, Duration backoff, String message) {
        Step s = step(db);
        JobRow job = openJob(s, jobKey, " and cannot be failed");
        String msg = message == null ? "" : message;
        if (retries > 0) {
            s.store.retryJob(jobKey, retries, s.b.now.plus(backoff == null ? Duration.ZERO : backoff), msg);
            s.b.jobs.signalActivatable(job.type());
        } else {
            s.store.failJob(jobKey, msg);
            s.b.incident(s.store.element(job.elementKey()), "JOB_NO_RETRIES",
                    msg.isEmpty() ? "job failed with no retries left" : msg, jobKey);
        }
    }

    void throwJobError(Db db, long jobKey, String code, String message) {
        Step s = step(db);
        JobRow job = openJob(s, jobKey, "");
        s.store.jobErrorThrown(jobKey, message);
        s.b.incident(s.store.element(job.elementKey()), "UNHANDLED_ERROR_EVENT", "Expected to throw an error event "
                + "with the code '" + code + "'" + (message == null ? "" : " with message '" + message + "'")
                + ", but it was not caught (error catch events are not supported by the embedded engine)", jobKey);
    }

    void updateJobRetries(Db db, long jobKey, int retries) {
        Step s = step(db);
        s.lockJob(jobKey);
        s.store.updateJobRetries(jobKey, retries);
    }

    /** Claims up to {@code max} jobs of a type (activatable, or activated with an expired lock). */
    List<ActivatedJob> activateJobs(Db db, String type, int max, Duration timeout, String worker) {
        OffsetDateTime now = now();
        OffsetDateTime deadline = now.plus(timeout);
        Step s = step(db);
        List<JobRow> rows = s.store.claimJobs(type, max, now, deadline, UUID.randomUUID().toString());
        if (rows.isEmpty()) {
            return List.of();
        }
        // Every job's element and process instance (its scope chain for direct children of the
        // process) and their variables in one query each, instead of per job.
        List<Long> scopes = new ArrayList<>();
        for (JobRow j : rows) {
            scopes.add(j.elementKey());
            scopes.add(j.instanceKey());
        }
        s.store.preload(scopes);
        List<Long> chains = new ArrayList<>();
        for (JobRow j : rows) {
            chains.addAll(s.b.variables.scopeChain(j.elementKey()));
        }
        s.store.locals(chains);
        List<ActivatedJob> out = new ArrayList<>();
        for (JobRow j : rows) {
            out.add(new ActivatedJob(j.key(), j.type(), JobKind.valueOf(j.kind()),
                    j.listenerEvent() == null ? null : ListenerEventType.valueOf(j.listenerEvent()), j.instanceKey(),
                    j.bpmnProcessId(), j.version(), j.elementId(), j.elementKey(), s.b.variables.visible(j.elementKey()),
                    j.retries(), Json.readStringMap(j.headers()), listenerTask(s, j),
                    deadline.toInstant().toEpochMilli()));
        }
        return out;
    }

    /** The user task a task-listener job is about, as the listener sees it (the new assignee while assigning). */
    private static UserTaskProperties listenerTask(Step s, JobRow j) {
        if (!"TASK_LISTENER".equals(j.kind())) {
            return null;
        }
        UserTaskRow row = s.store.userTaskOfElement(j.elementKey());
        if (row == null) {
            return null;
        }
        String assignee = "ASSIGNING".equals(row.state()) ? row.pendingAssignee() : row.assignee();
        return new UserTaskProperties(row.key(), row.elementId(), row.instanceKey(), assignee,
                Json.readStringList(row.candidateGroups()), Json.readStringList(row.candidateUsers()), row.dueDate());
    }

    // ---------------------------------------------------------------- incidents, messages, timers

    void resolveIncident(Db db, long incidentKey) {
        Step s = step(db);
        Long instanceKey = s.store.instanceOfIncident(incidentKey);
        if (instanceKey == null) {
            throw new EngineNotFoundException("no incident with key " + incidentKey);
        }
        s.lockInstance(instanceKey);
        EngineStore.Incident inc = s.store.incident(incidentKey);
        if (inc == null) {
            throw new EngineNotFoundException("no incident with key " + incidentKey);
        }
        s.store.deleteIncident(incidentKey);
        ElementRow e = s.store.element(inc.elementKey());
        if (inc.jobKey() != null) {
            long jobKey = inc.jobKey();
            JobRow job = s.store.job(jobKey);
            if (job == null) {
                return;
            }
            if (job.retries() > 0) {
                s.store.makeJobActivatable(jobKey, s.b.now);
                s.b.jobs.signalActivatable(job.type());
            } else {
                s.b.incident(e, inc.errorType(), "job " + jobKey + " has no retries left; update its retries before "
                        + "resolving (was: " + inc.errorMessage() + ")", jobKey);
            }
            return;
        }
        // Retry the phase that raised it: the element stayed where the failed evaluation left it.
        switch (e.state()) {
            case "ACTIVATING" -> s.enqueue(Cmd.ACTIVATE, e.key());
            case "COMPLETING" -> s.enqueue(Cmd.COMPLETE, e.key());
            case "ACTIVATED" -> s.enqueue(Cmd.CHILD_ENDED, e.key());
            default -> {
            }
        }
        s.run();
    }

    long publishMessage(Db db, String name, String correlationKey, Duration ttl, String messageId,
            Map<String, Object> variables) {
        Step s = step(db);
        Map<String, Object> vars = safeVars(variables);
        long key = s.store.nextKey();
        boolean buffered = ttl != null && !ttl.isNegative() && !ttl.isZero();
        if (buffered) {
            s.b.messages.buffer(key, name, correlationKey, ttl, messageId, vars);
        }
        long lastInstance = -1;
        for (EngineStore.Subscription sub : s.store.subscriptions(name, correlationKey)) {
            if (sub.instanceKey() == lastInstance) {
                continue;
            }
            InstanceRow i = s.lockInstance(sub.instanceKey());
            if (i == null || !"ACTIVE".equals(i.state())) {
                continue;
            }
            if (s.b.messages.correlate(sub.key(), vars)) {
                lastInstance = sub.instanceKey();
                if (buffered) {
                    s.store.insertCorrelation(key, sub.instanceKey());
                }
            }
            s.run();
        }
        return key;
    }

    /** Keys of the timers due now, soonest first, at most {@code limit}. Called by TimerScheduler. */
    List<Long> dueTimers(Db db, int limit) {
        return store(db).dueTimers(now(), limit);
    }

    /** When the soonest timer falls due, or null when there is none. Called by TimerScheduler. */
    OffsetDateTime nextTimerDue(Db db) {
        return store(db).nextTimerDue();
    }

    /** Forgets buffered messages whose time to live has passed. Called by TimerScheduler. */
    int deleteExpiredMessages(Db db) {
        return store(db).deleteExpiredMessages(now());
    }

    /** Fires one due timer; false when it was already gone (fired or canceled). Called by TimerScheduler. */
    boolean fireTimer(Db db, long timerKey) {
        Step s = step(db);
        Long instanceKey = s.store.instanceOfTimer(timerKey);
        if (instanceKey == null) {
            return false;
        }
        s.lockInstance(instanceKey);
        EngineStore.Timer timer = s.store.timer(timerKey);
        // The claim: whoever deletes the row fires the timer, exactly once per commit.
        if (timer == null || !s.store.claimTimer(timerKey)) {
            return false;
        }
        s.b.timers.fired(timer);
        s.run();
        return true;
    }
}
