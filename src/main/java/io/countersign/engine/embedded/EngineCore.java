package io.countersign.engine.embedded;

import io.countersign.engine.ActivatedJob;
import io.countersign.engine.BpmnProblem;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.DeployedProcess;
import io.countersign.engine.DeploymentRejectedException;
import io.countersign.engine.DeploymentResult;
import io.countersign.engine.EngineConflictException;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.JobKind;
import io.countersign.engine.ListenerEventType;
import io.countersign.engine.UserTaskProperties;
import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.embedded.Feel.EvaluationException;
import io.countersign.engine.embedded.ProcessModel.Flow;
import io.countersign.engine.embedded.ProcessModel.Kind;
import io.countersign.engine.embedded.ProcessModel.Listener;
import io.countersign.engine.embedded.ProcessModel.Mapping;
import io.countersign.engine.embedded.ProcessModel.Node;
import io.quarkus.logging.Log;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The embedded engine's state machine. Every public method runs inside one transaction (given
 * as a {@link Db}) and leaves the instance in a consistent state: the instance row is locked
 * first, then a queue of element commands is drained, so one step is atomic and instances
 * never advance concurrently.
 */
final class EngineCore {

    static final String BODY = "MULTI_INSTANCE_BODY";

    private final Feel feel = new Feel();
    private final BpmnTransformer transformer = new BpmnTransformer(feel);
    private final Map<Long, ProcessModel> models = new ConcurrentHashMap<>();
    private final KeyGenerator keys = new KeyGenerator();
    /** Called after commit with job types that got new activatable jobs. */
    private volatile Consumer<Set<String>> jobsAvailable = t -> { };
    /** Called after commit with the earliest new timer due time. */
    private volatile Consumer<OffsetDateTime> timerScheduled = t -> { };

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

    private volatile JobPush jobPush = type -> null;

    void onJobPush(JobPush p) {
        jobPush = p;
    }

    void onJobsAvailable(Consumer<Set<String>> c) {
        jobsAvailable = c;
    }

    void onTimerScheduled(Consumer<OffsetDateTime> c) {
        timerScheduled = c;
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    // ---------------------------------------------------------------- rows

    record ElementRow(long key, long instanceKey, long flowScopeKey, String elementId, String type, String state,
            int loopCounter, String pending) {
        boolean ended() {
            return "COMPLETED".equals(state) || "TERMINATED".equals(state);
        }

        /** This row in another state; an ended element keeps no pending work. */
        ElementRow withState(String newState) {
            ElementRow n = new ElementRow(key, instanceKey, flowScopeKey, elementId, type, newState, loopCounter, pending);
            return n.ended() ? n.withPending(null) : n;
        }

        ElementRow withPending(String newPending) {
            return new ElementRow(key, instanceKey, flowScopeKey, elementId, type, state, loopCounter, newPending);
        }

        ElementRow withLoopCounter(int counter) {
            return new ElementRow(key, instanceKey, flowScopeKey, elementId, type, state, counter, pending);
        }
    }

    record InstanceRow(long key, long processKey, String bpmnProcessId, int version, String state) {
    }

    record JobRow(long key, long instanceKey, long elementKey, String elementId, String bpmnProcessId, int version,
            String type, String kind, String listenerEvent, int retries, String state, String headers) {
    }

    record UserTaskRow(long key, long elementKey, long instanceKey, String elementId, String state, String assignee,
            String candidateGroups, String candidateUsers, OffsetDateTime dueDate, int listenerIndex,
            String pendingAssignee, String pendingVariables) {

        UserTaskRow withPendingAssignee(String assignee) {
            return new UserTaskRow(key, elementKey, instanceKey, elementId, state, this.assignee, candidateGroups,
                    candidateUsers, dueDate, listenerIndex, assignee, pendingVariables);
        }

        UserTaskRow withPendingVariables(String variables) {
            return new UserTaskRow(key, elementKey, instanceKey, elementId, state, assignee, candidateGroups,
                    candidateUsers, dueDate, listenerIndex, pendingAssignee, variables);
        }
    }

    static final String ELEMENT_COLS =
            "element_key, instance_key, flow_scope_key, element_id, element_type, state, loop_counter, pending";

    static ElementRow element(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ElementRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), rs.getString(8));
    }

    static final String JOB_COLS = "job_key, instance_key, element_key, element_id, bpmn_process_id, process_version, "
            + "job_type, kind, listener_event, retries, state, custom_headers";

    static JobRow job(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new JobRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10), rs.getString(11), rs.getString(12));
    }

    static final String UT_COLS = "user_task_key, element_key, instance_key, element_id, state, assignee, "
            + "candidate_groups, candidate_users, due_date, listener_index, pending_assignee, pending_variables";

    static UserTaskRow userTask(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new UserTaskRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getObject(9, OffsetDateTime.class), rs.getInt(10),
                rs.getString(11), rs.getString(12));
    }

    // ---------------------------------------------------------------- deployment

    DeploymentResult deploy(Db db, List<BpmnResource> resources) {
        List<BpmnProblem> problems = new ArrayList<>();
        List<Object[]> parsed = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (BpmnResource r : resources) {
            for (ProcessModel m : transformer.transform(r.name(), r.content(), problems)) {
                if (!seen.add(m.bpmnProcessId())) {
                    problems.add(new BpmnProblem(r.name(), m.bpmnProcessId(),
                            "process id is defined more than once in this deployment"));
                }
                parsed.add(new Object[] {r, m});
            }
        }
        if (resources.isEmpty()) {
            problems.add(new BpmnProblem("-", "-", "no resources to deploy"));
        }
        if (!problems.isEmpty()) {
            throw new DeploymentRejectedException(problems);
        }
        OffsetDateTime now = now();
        long deploymentKey = keys.next(db);
        db.update("INSERT INTO engine_deployment (deployment_key, created_at) VALUES (?, ?)", deploymentKey, now);
        List<DeployedProcess> out = new ArrayList<>();
        for (Object[] p : parsed) {
            BpmnResource r = (BpmnResource) p[0];
            ProcessModel m = (ProcessModel) p[1];
            String checksum = sha256(r.content());
            Object[] latest = db.one("SELECT process_key, version, checksum FROM engine_process WHERE bpmn_process_id = ? "
                    + "ORDER BY version DESC LIMIT 1",
                    rs -> new Object[] {rs.getLong(1), rs.getInt(2), rs.getString(3)}, m.bpmnProcessId());
            if (latest != null && checksum.equals(latest[2])) {
                out.add(new DeployedProcess(m.bpmnProcessId(), (Integer) latest[1], (Long) latest[0], r.name(),
                        checksum, false));
                continue;
            }
            int version = latest == null ? 1 : (Integer) latest[1] + 1;
            long processKey = keys.next(db);
            db.update("INSERT INTO engine_process (process_key, bpmn_process_id, version, checksum, resource_name, "
                    + "resource_base64, deployment_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    processKey, m.bpmnProcessId(), version, checksum, r.name(),
                    Base64.getEncoder().encodeToString(r.content()), deploymentKey, now);
            models.put(processKey, m.withIdentity(processKey, version));
            out.add(new DeployedProcess(m.bpmnProcessId(), version, processKey, r.name(), checksum, true));
        }
        return new DeploymentResult(deploymentKey, out);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    ProcessModel model(Db db, long processKey) {
        ProcessModel m = models.get(processKey);
        if (m != null) {
            return m;
        }
        Object[] row = db.one("SELECT bpmn_process_id, version, resource_name, resource_base64 FROM engine_process "
                + "WHERE process_key = ?", rs -> new Object[] {rs.getString(1), rs.getInt(2), rs.getString(3),
                        rs.getString(4)}, processKey);
        if (row == null) {
            throw new EngineNotFoundException("no process definition with key " + processKey);
        }
        List<BpmnProblem> problems = new ArrayList<>();
        for (ProcessModel pm : transformer.transform((String) row[2], Base64.getDecoder().decode((String) row[3]),
                problems)) {
            if (pm.bpmnProcessId().equals(row[0])) {
                m = pm.withIdentity(processKey, (Integer) row[1]);
            }
        }
        if (m == null) {
            throw new IllegalStateException("stored process " + processKey + " no longer parses: " + problems);
        }
        models.put(processKey, m);
        return m;
    }

    // ---------------------------------------------------------------- entry points

    long startInstance(Db db, String bpmnProcessId, Integer version, Map<String, Object> variables) {
        Object[] p = version == null
                ? db.one("SELECT process_key, version FROM engine_process WHERE bpmn_process_id = ? "
                        + "ORDER BY version DESC LIMIT 1", rs -> new Object[] {rs.getLong(1), rs.getInt(2)}, bpmnProcessId)
                : db.one("SELECT process_key, version FROM engine_process WHERE bpmn_process_id = ? AND version = ?",
                        rs -> new Object[] {rs.getLong(1), rs.getInt(2)}, bpmnProcessId, version);
        if (p == null) {
            throw new EngineNotFoundException("no deployed process '" + bpmnProcessId + "'"
                    + (version == null ? "" : " with version " + version));
        }
        ProcessModel model = model(db, (Long) p[0]);
        String businessId = variables != null && variables.get(WorkflowEngine.BUSINESS_ID_VARIABLE) instanceof String b
                && !b.isBlank() ? b : null;
        if (businessId != null) {
            Long active = db.one("SELECT instance_key FROM engine_instance WHERE bpmn_process_id = ? "
                    + "AND active_business_id = ?", rs -> rs.getLong(1), bpmnProcessId, businessId);
            if (active != null) {
                throw new EngineConflictException("process instance " + active + " of '" + bpmnProcessId
                        + "' with business id '" + businessId + "' is still active");
            }
        }
        Step s = new Step(db);
        long key = keys.next(db);
        s.instanceModels.put(key, model);
        OffsetDateTime now = s.now;
        db.update("INSERT INTO engine_instance (instance_key, process_key, bpmn_process_id, version, state, started_at, "
                + "active_business_id) VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?)", key, model.processDefinitionKey(),
                bpmnProcessId, model.version(), now, businessId);
        ElementRow process = s.insertElement(key, key, -1, bpmnProcessId, "PROCESS", "ACTIVATED", 0);
        for (Map.Entry<String, Object> v : safeVars(variables).entrySet()) {
            s.setLocal(key, key, v.getKey(), v.getValue());
        }
        s.activateNode(process, model.node(model.startNodeId()), Map.of());
        s.run();
        return key;
    }

    void cancelInstance(Db db, long instanceKey) {
        Step s = new Step(db);
        InstanceRow i = s.lockInstance(instanceKey);
        if (i == null || !"ACTIVE".equals(i.state())) {
            throw new EngineNotFoundException("no active process instance with key " + instanceKey);
        }
        ElementRow process = s.element(instanceKey);
        if ("TERMINATING".equals(process.state())) {
            return;
        }
        s.enqueue(Cmd.TERMINATE, instanceKey);
        s.run();
    }

    void completeUserTask(Db db, long userTaskKey, Map<String, Object> variables) {
        Step s = new Step(db);
        UserTaskRow ut = s.lockUserTask(userTaskKey);
        if (!"CREATED".equals(ut.state())) {
            throw new EngineConflictException("user task " + userTaskKey + " is " + ut.state()
                    + ", it can be completed only when CREATED");
        }
        String vars = Json.write(safeVars(variables));
        if (s.hasListeners(ut, ListenerEventType.COMPLETING)) {
            db.update("UPDATE engine_user_task SET pending_variables = ? WHERE user_task_key = ?", vars, userTaskKey);
        }
        s.beginTransition(ut.withPendingVariables(vars), ListenerEventType.COMPLETING);
        s.run();
    }

    void assignUserTask(Db db, long userTaskKey, String assignee) {
        Step s = new Step(db);
        UserTaskRow ut = s.lockUserTask(userTaskKey);
        if (!"CREATED".equals(ut.state())) {
            throw new EngineConflictException("user task " + userTaskKey + " is " + ut.state()
                    + ", it can be assigned only when CREATED");
        }
        if (s.hasListeners(ut, ListenerEventType.ASSIGNING)) {
            db.update("UPDATE engine_user_task SET pending_assignee = ? WHERE user_task_key = ?", assignee, userTaskKey);
        }
        s.beginTransition(ut.withPendingAssignee(assignee), ListenerEventType.ASSIGNING);
        s.run();
    }

    /** Replaces the candidate groups of a CREATED user task (no {@code updating} listeners in the subset). */
    void updateUserTaskCandidateGroups(Db db, long userTaskKey, List<String> candidateGroups) {
        UserTaskRow ut = new Step(db).lockUserTask(userTaskKey);
        if (!"CREATED".equals(ut.state())) {
            throw new EngineConflictException("user task " + userTaskKey + " is " + ut.state()
                    + ", its candidate groups can be updated only when CREATED");
        }
        db.update("UPDATE engine_user_task SET candidate_groups = ? WHERE user_task_key = ?",
                Json.write(List.copyOf(candidateGroups)), userTaskKey);
    }

    void setVariables(Db db, long elementKey, Map<String, Object> variables) {
        Long instanceKey = db.one("SELECT instance_key FROM engine_element WHERE element_key = ? AND state NOT IN "
                + "('COMPLETED', 'TERMINATED')", rs -> rs.getLong(1), elementKey);
        if (instanceKey == null) {
            throw new EngineNotFoundException("no active element instance with key " + elementKey);
        }
        Step s = new Step(db);
        s.lockInstance(instanceKey);
        ElementRow e = s.element(elementKey);
        if (e.ended()) {
            throw new EngineNotFoundException("no active element instance with key " + elementKey);
        }
        s.propagate(elementKey, instanceKey, safeVars(variables));
    }

    void completeJob(Db db, long jobKey, Map<String, Object> variables) {
        Step s = new Step(db);
        JobRow job = s.lockJob(jobKey);
        if (!"ACTIVATED".equals(job.state()) && !"ACTIVATABLE".equals(job.state())) {
            throw new EngineConflictException("job " + jobKey + " is " + job.state() + " and cannot be completed");
        }
        Map<String, Object> vars = safeVars(variables);
        if ("TASK_LISTENER".equals(job.kind()) && !vars.isEmpty()) {
            throw new EngineConflictException("task listener job " + jobKey + " cannot be completed with variables");
        }
        db.update("DELETE FROM engine_job WHERE job_key = ?", jobKey);
        ElementRow e = s.element(job.elementKey());
        if ("BPMN_ELEMENT".equals(job.kind())) {
            if ("ACTIVATED".equals(e.state())) {
                s.setEventVariables(e, s.node(e), vars);
                s.enqueue(Cmd.COMPLETE, e.key());
            }
        } else {
            UserTaskRow ut = s.userTaskByElement(e.key());
            if (ut != null) {
                s.listenerCompleted(ut, ListenerEventType.valueOf(job.listenerEvent()));
            }
        }
        s.run();
    }

    void failJob(Db db, long jobKey, int retries, Duration backoff, String message) {
        Step s = new Step(db);
        JobRow job = s.lockJob(jobKey);
        if (!"ACTIVATED".equals(job.state()) && !"ACTIVATABLE".equals(job.state())) {
            throw new EngineConflictException("job " + jobKey + " is " + job.state() + " and cannot be failed");
        }
        String msg = message == null ? "" : message;
        if (retries > 0) {
            db.update("UPDATE engine_job SET state = 'ACTIVATABLE', retries = ?, available_at = ?, deadline = NULL, "
                    + "lock_token = NULL, error_message = ? WHERE job_key = ?", retries,
                    s.now.plus(backoff == null ? Duration.ZERO : backoff), msg, jobKey);
            db.afterCommit(() -> jobsAvailable.accept(Set.of(job.type())));
        } else {
            db.update("UPDATE engine_job SET state = 'FAILED', retries = 0, deadline = NULL, lock_token = NULL, "
                    + "error_message = ? WHERE job_key = ?", msg, jobKey);
            s.incident(s.element(job.elementKey()), "JOB_NO_RETRIES",
                    msg.isEmpty() ? "job failed with no retries left" : msg, jobKey);
        }
    }

    void throwJobError(Db db, long jobKey, String code, String message) {
        Step s = new Step(db);
        JobRow job = s.lockJob(jobKey);
        if (!"ACTIVATED".equals(job.state()) && !"ACTIVATABLE".equals(job.state())) {
            throw new EngineConflictException("job " + jobKey + " is " + job.state());
        }
        db.update("UPDATE engine_job SET state = 'ERROR_THROWN', deadline = NULL, lock_token = NULL, error_message = ? "
                + "WHERE job_key = ?", message, jobKey);
        s.incident(s.element(job.elementKey()), "UNHANDLED_ERROR_EVENT", "Expected to throw an error event with the code '"
                + code + "'" + (message == null ? "" : " with message '" + message + "'")
                + ", but it was not caught (error catch events are not supported by the embedded engine)", jobKey);
    }

    void updateJobRetries(Db db, long jobKey, int retries) {
        Step s = new Step(db);
        s.lockJob(jobKey);
        db.update("UPDATE engine_job SET retries = ? WHERE job_key = ?", retries, jobKey);
    }

    void resolveIncident(Db db, long incidentKey) {
        Object[] inc = db.one("SELECT instance_key FROM engine_incident WHERE incident_key = ?",
                rs -> new Object[] {rs.getLong(1)}, incidentKey);
        if (inc == null) {
            throw new EngineNotFoundException("no incident with key " + incidentKey);
        }
        Step s = new Step(db);
        s.lockInstance((Long) inc[0]);
        Object[] row = db.one("SELECT element_key, job_key, error_type, error_message FROM engine_incident "
                + "WHERE incident_key = ?", rs -> new Object[] {rs.getLong(1), rs.getObject(2), rs.getString(3),
                        rs.getString(4)}, incidentKey);
        if (row == null) {
            throw new EngineNotFoundException("no incident with key " + incidentKey);
        }
        db.update("DELETE FROM engine_incident WHERE incident_key = ?", incidentKey);
        ElementRow e = s.element((Long) row[0]);
        if (row[1] != null) {
            long jobKey = ((Number) row[1]).longValue();
            JobRow job = db.one("SELECT " + JOB_COLS + " FROM engine_job WHERE job_key = ?", EngineCore::job, jobKey);
            if (job == null) {
                return;
            }
            if (job.retries() > 0) {
                db.update("UPDATE engine_job SET state = 'ACTIVATABLE', available_at = ? WHERE job_key = ?", s.now, jobKey);
                db.afterCommit(() -> jobsAvailable.accept(Set.of(job.type())));
            } else {
                s.incident(e, (String) row[2], "job " + jobKey + " has no retries left; update its retries before "
                        + "resolving (was: " + row[3] + ")", jobKey);
            }
            return;
        }
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
        Step s = new Step(db);
        Map<String, Object> vars = safeVars(variables);
        long key = keys.next(db);
        boolean buffered = ttl != null && !ttl.isNegative() && !ttl.isZero();
        if (buffered) {
            String dedup = messageId == null ? null
                    : sha256((name + "\u0000" + correlationKey + "\u0000" + messageId).getBytes(StandardCharsets.UTF_8));
            if (dedup != null) {
                db.update("DELETE FROM engine_message WHERE dedup_key = ? AND expires_at <= ?", dedup, s.now);
                if (db.count("SELECT COUNT(*) FROM engine_message WHERE dedup_key = ?", dedup) > 0) {
                    throw new EngineConflictException("a message with name '" + name + "', correlation key '"
                            + correlationKey + "' and id '" + messageId + "' is already buffered");
                }
            }
            db.update("INSERT INTO engine_message (message_key, name, correlation_key, message_id, dedup_key, "
                    + "variables_json, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", key, name,
                    correlationKey, messageId, dedup, Json.write(vars), s.now.plus(ttl), s.now);
        }
        List<long[]> subs = db.list("SELECT instance_key, subscription_key FROM engine_message_subscription "
                + "WHERE message_name = ? AND correlation_key = ? ORDER BY instance_key, subscription_key",
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}, name, correlationKey);
        long lastInstance = -1;
        for (long[] sub : subs) {
            if (sub[0] == lastInstance) {
                continue;
            }
            InstanceRow i = s.lockInstance(sub[0]);
            if (i == null || !"ACTIVE".equals(i.state())) {
                continue;
            }
            if (s.correlate(sub[1], vars)) {
                lastInstance = sub[0];
                if (buffered) {
                    db.update("INSERT INTO engine_message_correlation (message_key, instance_key) VALUES (?, ?)", key, sub[0]);
                }
            }
            s.run();
        }
        return key;
    }

    /** Fires one due timer; false when it was already gone (fired or canceled). */
    boolean fireTimer(Db db, long timerKey) {
        Object[] t = db.one("SELECT instance_key FROM engine_timer WHERE timer_key = ?", rs -> new Object[] {rs.getLong(1)},
                timerKey);
        if (t == null) {
            return false;
        }
        Step s = new Step(db);
        s.lockInstance((Long) t[0]);
        Object[] row = db.one("SELECT element_key, target_element_id, due_at, repetitions, interval_iso FROM engine_timer "
                + "WHERE timer_key = ?", rs -> new Object[] {rs.getLong(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class), rs.getInt(4), rs.getString(5)}, timerKey);
        // The claim: whoever deletes the row fires the timer, exactly once per commit.
        if (row == null || db.update("DELETE FROM engine_timer WHERE timer_key = ?", timerKey) != 1) {
            return false;
        }
        ElementRow e = s.element((Long) row[0]);
        Node target = s.model(e).node((String) row[1]);
        if (target.kind() == Kind.BOUNDARY_EVENT) {
            boolean fired = s.triggerBoundary(e, target, Map.of());
            int reps = (Integer) row[3];
            if (fired && !target.cancelActivity() && row[4] != null && reps != 1) {
                OffsetDateTime next = Timers.plus((OffsetDateTime) row[2], (String) row[4]);
                if (next.isBefore(s.now)) {
                    next = Timers.plus(s.now, (String) row[4]);
                }
                s.insertTimer(e, target.id(), next, reps < 0 ? -1 : reps - 1, (String) row[4]);
            }
        } else if ("ACTIVATED".equals(e.state())) {
            s.enqueue(Cmd.COMPLETE, e.key());
        }
        s.run();
        return true;
    }

    /** Claims up to {@code max} jobs of a type (activatable, or activated with an expired lock). */
    List<ActivatedJob> activateJobs(Db db, String type, int max, Duration timeout, String worker) {
        OffsetDateTime now = now();
        OffsetDateTime deadline = now.plus(timeout);
        String token = java.util.UUID.randomUUID().toString();
        String claimable = "job_type = ? AND ((state = 'ACTIVATABLE' AND available_at <= ?) "
                + "OR (state = 'ACTIVATED' AND deadline < ?))";
        int n = db.update("UPDATE engine_job SET state = 'ACTIVATED', deadline = ?, lock_token = ? WHERE job_key IN "
                + "(SELECT job_key FROM engine_job WHERE " + claimable + " ORDER BY job_key LIMIT " + max + ") AND "
                + claimable, deadline, token, type, now, now, type, now, now);
        if (n == 0) {
            return List.of();
        }
        Step s = new Step(db);
        List<JobRow> rows = db.list("SELECT " + JOB_COLS + " FROM engine_job WHERE lock_token = ? ORDER BY job_key",
                EngineCore::job, token);
        // Every job's element and process instance (its scope chain for direct children of the
        // process) and their variables in one query each, instead of per job.
        List<Long> scopes = new ArrayList<>();
        for (JobRow j : rows) {
            scopes.add(j.elementKey());
            scopes.add(j.instanceKey());
        }
        s.preload(scopes);
        List<Long> chains = new ArrayList<>();
        for (JobRow j : rows) {
            chains.addAll(s.scopeChain(j.elementKey()));
        }
        s.locals(chains);
        List<ActivatedJob> out = new ArrayList<>();
        for (JobRow j : rows) {
            UserTaskProperties ut = null;
            if ("TASK_LISTENER".equals(j.kind())) {
                UserTaskRow row = s.userTaskByElement(j.elementKey());
                if (row != null) {
                    String assignee = "ASSIGNING".equals(row.state()) ? row.pendingAssignee() : row.assignee();
                    ut = new UserTaskProperties(row.key(), row.elementId(), row.instanceKey(), assignee,
                            Json.readStringList(row.candidateGroups()), Json.readStringList(row.candidateUsers()),
                            row.dueDate());
                }
            }
            out.add(new ActivatedJob(j.key(), j.type(), JobKind.valueOf(j.kind()),
                    j.listenerEvent() == null ? null : ListenerEventType.valueOf(j.listenerEvent()), j.instanceKey(),
                    j.bpmnProcessId(), j.version(), j.elementId(), j.elementKey(), s.visible(j.elementKey()), j.retries(),
                    Json.readStringMap(j.headers()), ut, deadline.toInstant().toEpochMilli()));
        }
        return out;
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

    // ---------------------------------------------------------------- the step

    enum Cmd {
        ACTIVATE, COMPLETE, TERMINATE, CHILD_ENDED
    }

    private record Work(Cmd cmd, long key) {
    }

    private record VarKey(long scope, String name) {
    }

    private record VarWrite(boolean insert, long instanceKey, String json) {
    }

    /** A job created for a reserved worker slot (Step#insertJob). */
    private static final class PushedJob {
        final long key;
        final long elementKey;
        final String type;
        final int retries;
        final Map<String, String> headers;
        final OffsetDateTime deadline;
        final Reservation slot;
        /** Given back already (its element ended in the step), so a rollback must not release it again. */
        boolean released;

        PushedJob(long key, long elementKey, String type, int retries, Map<String, String> headers,
                OffsetDateTime deadline, Reservation slot) {
            this.key = key;
            this.elementKey = elementKey;
            this.type = type;
            this.retries = retries;
            this.headers = headers;
            this.deadline = deadline;
            this.slot = slot;
        }
    }

    /** One transaction's worth of work on one or more (locked) instances. */
    final class Step {
        final Db db;
        final OffsetDateTime now = now();
        private final ArrayDeque<Work> queue = new ArrayDeque<>();
        /** Every element instance this step has read or written, in its current state. */
        private final Map<Long, ElementRow> elements = new HashMap<>();
        /** Elements created by this step and not yet written: one INSERT each, in their final state. */
        private final Set<Long> inserted = new LinkedHashSet<>();
        /** Existing elements this step changed and has not yet written: one UPDATE each. */
        private final Set<Long> dirty = new LinkedHashSet<>();
        /** Variable rows set by this step and not yet written, in order. */
        private final Map<VarKey, VarWrite> varWrites = new LinkedHashMap<>();
        /** Scopes whose active children this step has read from the table (see activeChildren). */
        private final Set<Long> scannedScopes = new java.util.HashSet<>();
        /** Local variables per scope as they are in this transaction (loaded once, kept in step with writes). */
        private final Map<Long, Map<String, Object>> localsCache = new HashMap<>();
        private final Map<Long, ProcessModel> instanceModels = new HashMap<>();
        private final Set<String> newJobTypes = new LinkedHashSet<>();
        /** Jobs created ACTIVATED for a local worker slot, delivered after the commit. */
        private final List<PushedJob> pushed = new ArrayList<>();
        private OffsetDateTime earliestTimer;

        Step(Db db) {
            this.db = db;
            db.beforeReturn(this::finish);
        }

        /** The end of the step's function: hand over pushed jobs (see insertJob), write variables and element rows. */
        private void finish() {
            preparePushedJobs();
            flushVariables();
            flushElements();
        }

        void enqueue(Cmd cmd, long key) {
            queue.add(new Work(cmd, key));
        }

        void run() {
            Work w;
            while ((w = queue.poll()) != null) {
                ElementRow e = element(w.key());
                switch (w.cmd()) {
                    case ACTIVATE -> activate(e);
                    case COMPLETE -> complete(e);
                    case TERMINATE -> terminate(e);
                    case CHILD_ENDED -> childEnded(e);
                    default -> throw new IllegalStateException();
                }
            }
            if (!newJobTypes.isEmpty()) {
                Set<String> types = Set.copyOf(newJobTypes);
                newJobTypes.clear();
                db.afterCommit(() -> jobsAvailable.accept(types));
            }
            if (earliestTimer != null) {
                OffsetDateTime due = earliestTimer;
                earliestTimer = null;
                db.afterCommit(() -> timerScheduled.accept(due));
            }
        }

        // ------------------------------------------------------------ locking and loading

        InstanceRow lockInstance(long instanceKey) {
            return lockInstanceWhere("instance_key = ?", instanceKey);
        }

        /**
         * Locks the instance row matching the condition (e.g. the instance owning a job, found by a
         * subquery in the same statement). Callers re-read the owned row after the lock: only that
         * read is guaranteed to see the last committed step of the instance.
         */
        private InstanceRow lockInstanceWhere(String condition, long arg) {
            InstanceRow i = db.one("SELECT instance_key, process_key, bpmn_process_id, version, state FROM engine_instance "
                    + "WHERE " + condition + " FOR UPDATE", rs -> new InstanceRow(rs.getLong(1), rs.getLong(2),
                            rs.getString(3), rs.getInt(4), rs.getString(5)), arg);
            if (i != null) {
                instanceModels.computeIfAbsent(i.key(), k -> EngineCore.this.model(db, i.processKey()));
            }
            return i;
        }

        JobRow lockJob(long jobKey) {
            JobRow job = lockInstanceWhere("instance_key = (SELECT instance_key FROM engine_job WHERE job_key = ?)",
                    jobKey) == null ? null
                    : db.one("SELECT " + JOB_COLS + " FROM engine_job WHERE job_key = ?", EngineCore::job, jobKey);
            if (job == null) {
                throw new EngineNotFoundException("no job with key " + jobKey + " (completed, canceled or never existed)");
            }
            preload(List.of(job.elementKey(), job.instanceKey()));
            return job;
        }

        UserTaskRow lockUserTask(long userTaskKey) {
            UserTaskRow ut = lockInstanceWhere("instance_key = (SELECT instance_key FROM engine_user_task "
                    + "WHERE user_task_key = ?)", userTaskKey) == null ? null : userTaskByKey(userTaskKey);
            if (ut == null) {
                throw new EngineNotFoundException("no open user task with key " + userTaskKey);
            }
            preload(List.of(ut.elementKey(), ut.instanceKey()));
            return ut;
        }

        UserTaskRow userTaskByKey(long key) {
            return db.one("SELECT " + UT_COLS + " FROM engine_user_task WHERE user_task_key = ?", EngineCore::userTask, key);
        }

        UserTaskRow userTaskByElement(long elementKey) {
            return db.one("SELECT " + UT_COLS + " FROM engine_user_task WHERE element_key = ?", EngineCore::userTask,
                    elementKey);
        }

        /** Reads the given element rows that this step does not hold yet, in one query. */
        void preload(java.util.Collection<Long> keys) {
            List<Long> missing = new ArrayList<>();
            for (Long k : keys) {
                if (!elements.containsKey(k) && !missing.contains(k)) {
                    missing.add(k);
                }
            }
            if (missing.size() < 2) {
                return; // element(key) reads a single row on demand
            }
            String in = "?" + ", ?".repeat(missing.size() - 1);
            for (ElementRow r : db.list("SELECT " + ELEMENT_COLS + " FROM engine_element WHERE element_key IN (" + in + ")",
                    EngineCore::element, missing.toArray())) {
                elements.putIfAbsent(r.key(), r);
            }
        }

        ElementRow element(long key) {
            ElementRow e = elements.get(key);
            if (e == null) {
                e = db.one("SELECT " + ELEMENT_COLS + " FROM engine_element WHERE element_key = ?", EngineCore::element, key);
                if (e == null) {
                    throw new IllegalStateException("element instance " + key + " is missing");
                }
                elements.put(key, e);
            }
            return e;
        }

        ProcessModel model(ElementRow e) {
            ProcessModel m = instanceModels.get(e.instanceKey());
            if (m == null) {
                long processKey = db.one("SELECT process_key FROM engine_instance WHERE instance_key = ?",
                        rs -> rs.getLong(1), e.instanceKey());
                m = EngineCore.this.model(db, processKey);
                instanceModels.put(e.instanceKey(), m);
            }
            return m;
        }

        Node node(ElementRow e) {
            return model(e).node(e.elementId());
        }

        // Element rows are written behind: a step keeps them in memory and writes each changed row
        // once, when the step's function returns (Db#flush, before the commit), so an element that is
        // activated and completed in one step costs one INSERT instead of an INSERT and three UPDATEs.
        // Queries that scan engine_element by something other than the key merge the buffered rows
        // (activeChildren) or flush first (bodyChildEnded).

        ElementRow insertElement(long key, long instanceKey, long flowScopeKey, String elementId, String type,
                String state, int loopCounter) {
            ElementRow e = new ElementRow(key, instanceKey, flowScopeKey, elementId, type, state, loopCounter, null);
            elements.put(key, e);
            inserted.add(key);
            localsCache.put(key, new LinkedHashMap<>());
            return e;
        }

        private ElementRow changed(ElementRow n) {
            elements.put(n.key(), n);
            if (!inserted.contains(n.key())) {
                dirty.add(n.key());
            }
            return n;
        }

        ElementRow setState(ElementRow e, String state) {
            return changed(e.withState(state));
        }

        ElementRow setPending(ElementRow e, String pending) {
            return changed(e.withPending(pending));
        }

        ElementRow setLoopCounter(ElementRow e, int counter) {
            return changed(e.withLoopCounter(counter));
        }

        /** Writes the buffered element rows: new ones as a batch of INSERTs, changed ones as a batch of UPDATEs. */
        void flushElements() {
            if (!inserted.isEmpty()) {
                List<Object[]> rows = new ArrayList<>(inserted.size());
                for (Long k : inserted) {
                    ElementRow e = elements.get(k);
                    rows.add(new Object[] {e.key(), e.instanceKey(), e.flowScopeKey(), e.elementId(), e.type(), e.state(),
                        e.loopCounter(), e.pending(), now, e.ended() ? now : null});
                }
                db.batch("INSERT INTO engine_element (" + ELEMENT_COLS + ", started_at, ended_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
                inserted.clear();
            }
            if (!dirty.isEmpty()) {
                List<Object[]> rows = new ArrayList<>(dirty.size());
                for (Long k : dirty) {
                    ElementRow e = elements.get(k);
                    rows.add(new Object[] {e.state(), e.loopCounter(), e.pending(), e.ended() ? now : null, e.key()});
                }
                db.batch("UPDATE engine_element SET state = ?, loop_counter = ?, pending = ?, ended_at = ? "
                        + "WHERE element_key = ?", rows);
                dirty.clear();
            }
        }

        /**
         * The scope's children that have not ended, by key. The table is scanned at most once per
         * scope and step (never for a scope this step created): from then on every active child is
         * among the step's rows, and this step's view of a row wins over the table's.
         */
        /** Like {@code !activeChildren(scopeKey).isEmpty()}, without a query when this step holds an active child. */
        boolean hasActiveChild(long scopeKey) {
            for (ElementRow c : elements.values()) {
                if (c.flowScopeKey() == scopeKey && !c.ended()) {
                    return true;
                }
            }
            return !activeChildren(scopeKey).isEmpty();
        }

        List<ElementRow> activeChildren(long scopeKey) {
            if (!inserted.contains(scopeKey) && scannedScopes.add(scopeKey)) {
                for (ElementRow r : db.list("SELECT " + ELEMENT_COLS + " FROM engine_element WHERE flow_scope_key = ? "
                        + "AND state NOT IN ('COMPLETED', 'TERMINATED')", EngineCore::element, scopeKey)) {
                    elements.putIfAbsent(r.key(), r);
                }
            }
            List<ElementRow> out = new ArrayList<>();
            for (ElementRow c : elements.values()) {
                if (c.flowScopeKey() == scopeKey && !c.ended()) {
                    out.add(c);
                }
            }
            out.sort(java.util.Comparator.comparingLong(ElementRow::key));
            return out;
        }

        // ------------------------------------------------------------ variables

        /** Scope chain from the element up to the process, innermost first. */
        List<Long> scopeChain(long elementKey) {
            List<Long> chain = new ArrayList<>();
            long k = elementKey;
            while (k != -1) {
                chain.add(k);
                k = element(k).flowScopeKey();
            }
            return chain;
        }

        /**
         * The local variables of each scope, read once per step: later calls and writes go through
         * the step's copy (new scopes start empty without a query). The maps are the cache itself:
         * callers must not modify them.
         */
        Map<Long, Map<String, Object>> locals(List<Long> scopes) {
            List<Long> missing = new ArrayList<>();
            for (Long k : scopes) {
                if (!localsCache.containsKey(k)) {
                    missing.add(k);
                }
            }
            if (!missing.isEmpty()) {
                StringBuilder in = new StringBuilder();
                for (int i = 0; i < missing.size(); i++) {
                    in.append(i == 0 ? "?" : ", ?");
                    localsCache.put(missing.get(i), new LinkedHashMap<>());
                }
                db.list("SELECT scope_key, name, value_json FROM engine_variable WHERE scope_key IN (" + in + ")", rs -> {
                    localsCache.get(rs.getLong(1)).put(rs.getString(2), Json.read(rs.getString(3)));
                    return null;
                }, missing.toArray());
            }
            Map<Long, Map<String, Object>> out = new HashMap<>();
            for (Long k : scopes) {
                out.put(k, localsCache.get(k));
            }
            return out;
        }

        /**
         * Deletes a scope's locals (when its element ends): drops this step's unsent writes of the
         * scope, and sends a DELETE only when the table may hold rows of it.
         */
        void deleteLocals(long scopeKey) {
            Map<String, Object> known = localsCache.get(scopeKey);
            boolean stored = known == null;
            if (known != null) {
                for (String name : known.keySet()) {
                    VarWrite w = varWrites.remove(new VarKey(scopeKey, name));
                    stored |= w == null || !w.insert;
                }
            }
            if (stored) {
                db.update("DELETE FROM engine_variable WHERE scope_key = ?", scopeKey);
            }
            localsCache.put(scopeKey, new LinkedHashMap<>());
        }

        /** Sends the step's variable writes: a batch of INSERTs and a batch of UPDATEs. */
        private void flushVariables() {
            List<Object[]> inserts = new ArrayList<>();
            List<Object[]> updates = new ArrayList<>();
            varWrites.forEach((k, w) -> {
                if (w.insert) {
                    inserts.add(new Object[] {k.scope(), k.name(), w.instanceKey, w.json});
                } else {
                    updates.add(new Object[] {w.json, k.scope(), k.name()});
                }
            });
            varWrites.clear();
            db.batch("INSERT INTO engine_variable (scope_key, name, instance_key, value_json) VALUES (?, ?, ?, ?)", inserts);
            db.batch("UPDATE engine_variable SET value_json = ? WHERE scope_key = ? AND name = ?", updates);
        }

        /** All variables visible from a scope: inner scopes shadow outer ones. */
        Map<String, Object> visible(long scopeKey) {
            List<Long> chain = scopeChain(scopeKey);
            Map<Long, Map<String, Object>> locals = locals(chain);
            Map<String, Object> vars = new HashMap<>();
            for (int i = chain.size() - 1; i >= 0; i--) {
                Map<String, Object> l = locals.get(chain.get(i));
                if (l != null) {
                    vars.putAll(l);
                }
            }
            return vars;
        }

        /** Sets a local; the row is written when the step returns (its reads go through the step's copy). */
        void setLocal(long scopeKey, long instanceKey, String name, Object value) {
            String json = Json.write(value);
            Map<String, Object> known = locals(List.of(scopeKey)).get(scopeKey);
            VarKey k = new VarKey(scopeKey, name);
            VarWrite earlier = varWrites.get(k);
            varWrites.put(k, new VarWrite(earlier != null ? earlier.insert : !known.containsKey(name), instanceKey, json));
            known.put(name, Json.read(json));
        }

        /** Zeebe's propagation: update the nearest scope that has the variable, else create it at the root. */
        void propagate(long fromScopeKey, long instanceKey, Map<String, Object> vars) {
            if (vars.isEmpty()) {
                return;
            }
            List<Long> chain = scopeChain(fromScopeKey);
            Map<Long, Map<String, Object>> locals = locals(chain);
            for (Map.Entry<String, Object> v : vars.entrySet()) {
                long target = instanceKey;
                for (Long scope : chain) {
                    Map<String, Object> l = locals.get(scope);
                    if (l != null && l.containsKey(v.getKey())) {
                        target = scope;
                        break;
                    }
                }
                setLocal(target, instanceKey, v.getKey(), v.getValue());
            }
        }

        /** Variables from a job, user task or message: local when the element has outputs, else propagated. */
        void setEventVariables(ElementRow e, Node node, Map<String, Object> vars) {
            if (vars.isEmpty()) {
                return;
            }
            if (!node.outputs().isEmpty()) {
                vars.forEach((k, v) -> setLocal(e.key(), e.instanceKey(), k, v));
            } else {
                propagate(e.key(), e.instanceKey(), vars);
            }
        }

        /** Evaluates ioMapping entries in order; later entries see earlier targets. */
        Map<String, Object> evaluateMappings(List<Mapping> mappings, Map<String, Object> context, String errorType) {
            Map<String, Object> result = new LinkedHashMap<>();
            Map<String, Object> ctx = new HashMap<>(context);
            for (Mapping m : mappings) {
                Object value = m.source().startsWith("=") ? feel.evaluate(m.source().substring(1), ctx, errorType)
                        : m.source();
                String[] path = m.target().split("\\.");
                putPath(result, ctx, path, value);
            }
            return result;
        }

        @SuppressWarnings("unchecked")
        private void putPath(Map<String, Object> result, Map<String, Object> ctx, String[] path, Object value) {
            if (path.length == 1) {
                result.put(path[0], value);
                ctx.put(path[0], value);
                return;
            }
            Object existing = result.containsKey(path[0]) ? result.get(path[0]) : ctx.get(path[0]);
            Map<String, Object> root = existing instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m)
                    : new LinkedHashMap<>();
            Map<String, Object> cur = root;
            for (int i = 1; i < path.length - 1; i++) {
                Object next = cur.get(path[i]);
                Map<String, Object> n = next instanceof Map<?, ?> nm ? new LinkedHashMap<>((Map<String, Object>) nm)
                        : new LinkedHashMap<>();
                cur.put(path[i], n);
                cur = n;
            }
            cur.put(path[path.length - 1], value);
            result.put(path[0], root);
            ctx.put(path[0], root);
        }

        // ------------------------------------------------------------ incidents

        void incident(ElementRow e, String type, String message, Long jobKey) {
            long key = keys.next(db);
            db.update("INSERT INTO engine_incident (incident_key, instance_key, element_key, element_id, error_type, "
                    + "error_message, job_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", key, e.instanceKey(), e.key(),
                    e.elementId(), type, message, jobKey, now);
            Log.debugf("incident %d on %s (%s): %s", key, e.elementId(), type, message);
        }

        // ------------------------------------------------------------ activation

        ElementRow activateNode(ElementRow scope, Node node, Map<String, Object> eventVariables) {
            String type = node.loop() != null ? BODY : node.kind().name();
            ElementRow e = insertElement(keys.next(db), scope.instanceKey(), scope.key(), node.id(), type, "ACTIVATING", 0);
            if (!eventVariables.isEmpty()) {
                setEventVariables(e, node, eventVariables);
            }
            enqueue(Cmd.ACTIVATE, e.key());
            return e;
        }

        private void activate(ElementRow e) {
            if (!"ACTIVATING".equals(e.state())) {
                return;
            }
            Node node = node(e);
            try {
                if (BODY.equals(e.type())) {
                    activateBody(e, node);
                } else {
                    activateElement(e, node);
                }
            } catch (EvaluationException ex) {
                incident(e, ex.errorType, ex.getMessage(), null);
            }
        }

        private void activateElement(ElementRow e, Node node) {
            Map<String, Object> vars = visible(e.key());
            Map<String, Object> inputs = evaluateMappings(node.inputs(), vars, "IO_MAPPING_ERROR");
            Map<String, Object> scopeVars = new HashMap<>(vars);
            scopeVars.putAll(inputs);
            // Evaluate everything that can fail before writing anything.
            Runnable kindWrites = prepareKind(e, node, scopeVars);
            List<Runnable> boundaryWrites = BODY.equals(e.type()) || node.loop() == null
                    ? prepareBoundaries(e, node, scopeVars) : List.of();
            inputs.forEach((k, v) -> setLocal(e.key(), e.instanceKey(), k, v));
            ElementRow active = setState(e, "ACTIVATED");
            kindWrites.run();
            boundaryWrites.forEach(Runnable::run);
            switch (node.kind()) {
                case START_EVENT, END_EVENT, INTERMEDIATE_THROW_EVENT, BOUNDARY_EVENT, TASK, MANUAL_TASK, EXCLUSIVE_GATEWAY,
                        PARALLEL_GATEWAY -> {
                    if (node.terminate()) {
                        ElementRow scope = element(active.flowScopeKey());
                        db.update("DELETE FROM engine_join WHERE flow_scope_key = ?", scope.key());
                        for (ElementRow sibling : activeChildren(scope.key())) {
                            if (sibling.key() != active.key()) {
                                enqueue(Cmd.TERMINATE, sibling.key());
                            }
                        }
                    }
                    enqueue(Cmd.COMPLETE, active.key());
                }
                case SUB_PROCESS -> activateNode(active, model(active).node(node.startNodeId()), Map.of());
                default -> {
                }
            }
        }

        /** Evaluates the kind-specific expressions and returns the writes to perform. */
        private Runnable prepareKind(ElementRow e, Node node, Map<String, Object> vars) {
            switch (node.kind()) {
                case SERVICE_TASK: {
                    String type = feel.string(node.jobType(), vars, "job type");
                    int retries = intValue(feel.value(node.jobRetries(), vars, "EXTRACT_VALUE_ERROR"), "job retries");
                    return () -> insertJob(e, type, retries, JobKind.BPMN_ELEMENT, null, node.headers());
                }
                case USER_TASK: {
                    var def = node.userTask();
                    String assignee = def.assignee() == null ? null : feel.string(def.assignee(), vars, "assignee");
                    List<String> groups = feel.stringList(def.candidateGroups(), vars, "candidateGroups");
                    List<String> users = feel.stringList(def.candidateUsers(), vars, "candidateUsers");
                    OffsetDateTime due = null;
                    if (def.dueDate() != null) {
                        Object v = feel.value(def.dueDate(), vars, "EXTRACT_VALUE_ERROR");
                        try {
                            due = Timers.schedule("DATE", v, now).dueAt();
                        } catch (IllegalArgumentException ex) {
                            throw new EvaluationException("EXTRACT_VALUE_ERROR", "dueDate: " + ex.getMessage());
                        }
                    }
                    OffsetDateTime dueDate = due;
                    // Without creating (and, for an assignee, assigning) listeners the task is written
                    // CREATED at once: the intermediate states would never be visible outside this step.
                    boolean direct = def.listeners(ListenerEventType.CREATING).isEmpty()
                            && (assignee == null || def.listeners(ListenerEventType.ASSIGNING).isEmpty());
                    return () -> {
                        UserTaskRow ut = new UserTaskRow(keys.next(db), e.key(), e.instanceKey(), e.elementId(),
                                direct ? "CREATED" : "CREATING", direct ? assignee : null, Json.write(groups),
                                Json.write(users), dueDate, 0, direct ? null : assignee, null);
                        db.update("INSERT INTO engine_user_task (" + UT_COLS + ", created_at) VALUES "
                                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ut.key(), ut.elementKey(), ut.instanceKey(),
                                ut.elementId(), ut.state(), ut.assignee(), ut.candidateGroups(), ut.candidateUsers(),
                                ut.dueDate(), ut.listenerIndex(), ut.pendingAssignee(), ut.pendingVariables(), now);
                        if (!direct) {
                            beginTransition(ut, ListenerEventType.CREATING);
                        }
                    };
                }
                case INTERMEDIATE_CATCH_EVENT: {
                    return prepareEvent(e, node, vars);
                }
                default:
                    return () -> { };
            }
        }

        private Runnable prepareEvent(ElementRow owner, Node event, Map<String, Object> vars) {
            if (event.timer() != null) {
                Object v = feel.value(event.timer().expression(), vars, "EXTRACT_VALUE_ERROR");
                if (event.timer().expression().startsWith("=")) {
                    v = feel.evaluateRaw(event.timer().expression().substring(1), vars, "EXTRACT_VALUE_ERROR");
                }
                Timers.Schedule sched;
                try {
                    sched = Timers.schedule(event.timer().kind(), v, now);
                } catch (IllegalArgumentException ex) {
                    throw new EvaluationException("EXTRACT_VALUE_ERROR", event.id() + ": " + ex.getMessage());
                }
                int reps = event.cancelActivity() || event.kind() != Kind.BOUNDARY_EVENT ? 1 : sched.repetitions();
                return () -> insertTimer(owner, event.id(), sched.dueAt(), reps, sched.interval());
            }
            String name = feel.string(event.message().name(), vars, "message name");
            String correlationKey = feel.string(event.message().correlationKey(), vars, "correlation key");
            return () -> openSubscription(owner, event.id(), name, correlationKey);
        }

        private List<Runnable> prepareBoundaries(ElementRow e, Node node, Map<String, Object> vars) {
            List<Runnable> writes = new ArrayList<>();
            for (String id : node.boundaryIds()) {
                writes.add(prepareEvent(e, model(e).node(id), vars));
            }
            return writes;
        }

        private int intValue(Object v, String what) {
            if (v instanceof Number n) {
                return n.intValue();
            }
            if (v instanceof String s) {
                try {
                    return Integer.parseInt(s.trim());
                } catch (NumberFormatException ex) {
                    // fall through to the incident below
                }
            }
            throw new EvaluationException("EXTRACT_VALUE_ERROR", "expected " + what + " to be a number, but it was "
                    + Feel.describe(v));
        }

        /**
         * Creates a job. A service-task job whose type has a local worker with a free slot is
         * created ACTIVATED, locked to that worker for its timeout, and handed to it right after
         * the commit (no claiming transaction); if the process dies before the handler completes
         * it, it is re-delivered after the timeout, like any activated job. Other jobs are created
         * ACTIVATABLE and the job loop, woken after the commit, claims them.
         */
        void insertJob(ElementRow e, String type, int retries, JobKind kind, ListenerEventType event,
                Map<String, String> headers) {
            ProcessModel m = model(e);
            long key = keys.next(db);
            Reservation slot = kind == JobKind.BPMN_ELEMENT ? jobPush.reserve(type) : null;
            OffsetDateTime deadline = slot == null ? null : now.plus(slot.timeout());
            db.update("INSERT INTO engine_job (" + JOB_COLS + ", available_at, created_at, deadline, lock_token) VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", key, e.instanceKey(), e.key(), e.elementId(),
                    m.bpmnProcessId(), m.version(), type, kind.name(), event == null ? null : event.name(), retries,
                    slot == null ? "ACTIVATABLE" : "ACTIVATED", Json.write(headers), now, now, deadline,
                    slot == null ? null : "pushed");
            if (slot == null) {
                newJobTypes.add(type);
                return;
            }
            if (pushed.isEmpty()) {
                db.afterRollback(() -> pushed.forEach(p -> {
                    if (!p.released) {
                        p.slot.release();
                    }
                }));
            }
            pushed.add(new PushedJob(key, e.key(), type, retries, headers, deadline, slot));
        }

        /**
         * Builds the pushed jobs with the variables as this step leaves them, and delivers them
         * after the commit; a job whose element ended later in the step was deleted with it.
         */
        private void preparePushedJobs() {
            List<Runnable> deliveries = new ArrayList<>();
            for (PushedJob p : pushed) {
                ElementRow e = element(p.elementKey);
                if (!"ACTIVATED".equals(e.state())) {
                    p.released = true;
                    p.slot.release();
                    continue;
                }
                ProcessModel m = model(e);
                ActivatedJob job = new ActivatedJob(p.key, p.type, JobKind.BPMN_ELEMENT, null, e.instanceKey(),
                        m.bpmnProcessId(), m.version(), e.elementId(), e.key(), visible(e.key()), p.retries,
                        p.headers, null, p.deadline.toInstant().toEpochMilli());
                deliveries.add(() -> p.slot.deliver(job));
            }
            if (!deliveries.isEmpty()) {
                db.afterCommit(() -> deliveries.forEach(Runnable::run));
            }
        }

        void insertTimer(ElementRow owner, String targetId, OffsetDateTime due, int repetitions, String interval) {
            db.update("INSERT INTO engine_timer (timer_key, instance_key, element_key, target_element_id, due_at, "
                    + "repetitions, interval_iso) VALUES (?, ?, ?, ?, ?, ?, ?)", keys.next(db), owner.instanceKey(),
                    owner.key(), targetId, due, repetitions, interval);
            if (earliestTimer == null || due.isBefore(earliestTimer)) {
                earliestTimer = due;
            }
        }

        private void openSubscription(ElementRow owner, String targetId, String name, String correlationKey) {
            long subKey = keys.next(db);
            db.update("INSERT INTO engine_message_subscription (subscription_key, instance_key, element_key, "
                    + "target_element_id, message_name, correlation_key) VALUES (?, ?, ?, ?, ?, ?)", subKey,
                    owner.instanceKey(), owner.key(), targetId, name, correlationKey);
            Object[] msg = db.one("SELECT message_key, variables_json FROM engine_message m WHERE name = ? "
                    + "AND correlation_key = ? AND expires_at > ? AND NOT EXISTS (SELECT 1 FROM engine_message_correlation c "
                    + "WHERE c.message_key = m.message_key AND c.instance_key = ?) ORDER BY message_key LIMIT 1",
                    rs -> new Object[] {rs.getLong(1), rs.getString(2)}, name, correlationKey, now, owner.instanceKey());
            if (msg != null) {
                db.update("INSERT INTO engine_message_correlation (message_key, instance_key) VALUES (?, ?)", msg[0],
                        owner.instanceKey());
                @SuppressWarnings("unchecked")
                Map<String, Object> vars = (Map<String, Object>) Json.read((String) msg[1]);
                correlate(subKey, vars);
            }
        }

        /** Correlates a message to one subscription; false when it no longer applies. */
        boolean correlate(long subscriptionKey, Map<String, Object> vars) {
            Object[] sub = db.one("SELECT element_key, target_element_id FROM engine_message_subscription "
                    + "WHERE subscription_key = ?", rs -> new Object[] {rs.getLong(1), rs.getString(2)}, subscriptionKey);
            if (sub == null || db.update("DELETE FROM engine_message_subscription WHERE subscription_key = ?",
                    subscriptionKey) != 1) {
                return false;
            }
            ElementRow e = element((Long) sub[0]);
            Node target = model(e).node((String) sub[1]);
            if (target.kind() == Kind.BOUNDARY_EVENT) {
                return triggerBoundary(e, target, vars);
            }
            if (!"ACTIVATED".equals(e.state())) {
                return false;
            }
            setEventVariables(e, target, vars);
            enqueue(Cmd.COMPLETE, e.key());
            return true;
        }

        boolean triggerBoundary(ElementRow activity, Node boundary, Map<String, Object> vars) {
            if (!"ACTIVATED".equals(activity.state())) {
                return false;
            }
            if (boundary.cancelActivity()) {
                Map<String, Object> pending = new LinkedHashMap<>();
                pending.put("boundary", boundary.id());
                pending.put("variables", vars);
                setPending(activity, Json.write(pending));
                enqueue(Cmd.TERMINATE, activity.key());
            } else {
                activateNode(element(activity.flowScopeKey()), boundary, vars);
            }
            return true;
        }

        // ------------------------------------------------------------ multi-instance

        @SuppressWarnings("unchecked")
        private void activateBody(ElementRow body, Node node) {
            Map<String, Object> vars = visible(body.key());
            Object collection = feel.value(node.loop().inputCollection(), vars, "EXTRACT_VALUE_ERROR");
            if (!(collection instanceof List<?> items)) {
                throw new EvaluationException("EXTRACT_VALUE_ERROR", "expected inputCollection '"
                        + node.loop().inputCollection() + "' to be a list, but it was " + Feel.describe(collection));
            }
            List<Runnable> boundaryWrites = prepareBoundaries(body, node, vars);
            ElementRow active = setState(body, "ACTIVATED");
            Map<String, Object> pending = new LinkedHashMap<>();
            pending.put("items", items);
            active = setPending(active, Json.write(pending));
            if (node.loop().outputCollection() != null) {
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    out.add(null);
                }
                setLocal(active.key(), active.instanceKey(), node.loop().outputCollection(), out);
            }
            boundaryWrites.forEach(Runnable::run);
            if (items.isEmpty()) {
                enqueue(Cmd.COMPLETE, active.key());
                return;
            }
            int first = node.loop().sequential() ? 1 : items.size();
            for (int i = 0; i < first; i++) {
                createInner(active, node, (List<Object>) items, i);
            }
        }

        private void createInner(ElementRow body, Node node, List<Object> items, int index) {
            ElementRow inner = insertElement(keys.next(db), body.instanceKey(), body.key(), node.id(), node.kind().name(),
                    "ACTIVATING", index + 1);
            setLoopCounter(body, index + 1);
            if (node.loop().inputElement() != null) {
                setLocal(inner.key(), inner.instanceKey(), node.loop().inputElement(), items.get(index));
            }
            setLocal(inner.key(), inner.instanceKey(), "loopCounter", index + 1);
            enqueue(Cmd.ACTIVATE, inner.key());
        }

        @SuppressWarnings("unchecked")
        private void bodyChildEnded(ElementRow body) {
            Node node = node(body);
            flushElements(); // the completed-children count below reads the table
            List<ElementRow> active = activeChildren(body.key());
            Map<String, Object> pending = (Map<String, Object>) Json.read(body.pending());
            List<Object> items = (List<Object>) pending.get("items");
            boolean conditionMet = Boolean.TRUE.equals(pending.get("conditionMet"));
            if (!conditionMet && node.loop().completionCondition() != null) {
                long completed = db.count("SELECT COUNT(*) FROM engine_element WHERE flow_scope_key = ? "
                        + "AND state = 'COMPLETED'", body.key());
                Map<String, Object> vars = visible(body.key());
                vars.put("numberOfInstances", items.size());
                vars.put("numberOfActiveInstances", active.size());
                vars.put("numberOfCompletedInstances", completed);
                try {
                    conditionMet = feel.condition(node.loop().completionCondition(), vars);
                } catch (EvaluationException ex) {
                    incident(body, ex.errorType, ex.getMessage(), null);
                    return;
                }
                if (conditionMet) {
                    pending.put("conditionMet", true);
                    body = setPending(body, Json.write(pending));
                    for (ElementRow a : active) {
                        enqueue(Cmd.TERMINATE, a.key());
                    }
                }
            }
            if (!active.isEmpty()) {
                return;
            }
            if (!conditionMet && node.loop().sequential() && body.loopCounter() < items.size()) {
                createInner(body, node, items, body.loopCounter());
                return;
            }
            enqueue(Cmd.COMPLETE, body.key());
        }

        // ------------------------------------------------------------ completion

        private void complete(ElementRow e) {
            if (!"ACTIVATED".equals(e.state()) && !"COMPLETING".equals(e.state())) {
                return;
            }
            if ("ACTIVATED".equals(e.state())) {
                e = setState(e, "COMPLETING");
            }
            Node node = node(e);
            try {
                completeElement(e, node);
            } catch (EvaluationException ex) {
                incident(e, ex.errorType, ex.getMessage(), null);
            }
        }

        @SuppressWarnings("unchecked")
        private void completeElement(ElementRow e, Node node) {
            boolean isBody = BODY.equals(e.type());
            boolean isInner = !isBody && node.loop() != null;
            Map<String, Object> vars = visible(e.key());
            Map<String, Object> outputs = isBody ? Map.of() : evaluateMappings(node.outputs(), vars, "IO_MAPPING_ERROR");
            Object outputElement = null;
            if (isInner && node.loop().outputCollection() != null && node.loop().outputElement() != null) {
                Map<String, Object> ctx = new HashMap<>(vars);
                outputElement = feel.value(node.loop().outputElement(), ctx, "EXTRACT_VALUE_ERROR");
            }
            List<Flow> flows = isInner ? List.of() : chooseFlows(e, node, vars);
            // Writes only from here on.
            if (isBody && node.loop().outputCollection() != null) {
                Object collection = locals(List.of(e.key())).getOrDefault(e.key(), Map.of())
                        .get(node.loop().outputCollection());
                propagate(e.flowScopeKey(), e.instanceKey(), Map.of(node.loop().outputCollection(),
                        collection == null ? List.of() : collection));
            }
            if (isInner && node.loop().outputCollection() != null) {
                long bodyKey = e.flowScopeKey();
                Object current = locals(List.of(bodyKey)).getOrDefault(bodyKey, Map.of()).get(node.loop().outputCollection());
                List<Object> list = current instanceof List<?> l ? new ArrayList<>((List<Object>) l) : new ArrayList<>();
                while (list.size() < e.loopCounter()) {
                    list.add(null);
                }
                list.set(e.loopCounter() - 1, outputElement);
                setLocal(bodyKey, e.instanceKey(), node.loop().outputCollection(), list);
            }
            if (!outputs.isEmpty()) {
                propagate(e.flowScopeKey(), e.instanceKey(), outputs);
            }
            cleanupSubscriptions(e);
            if (!"PROCESS".equals(e.type())) {
                deleteLocals(e.key());
            }
            ElementRow done = setState(e, "COMPLETED");
            if ("PROCESS".equals(e.type())) {
                db.update("UPDATE engine_instance SET state = 'COMPLETED', ended_at = ?, active_business_id = NULL "
                        + "WHERE instance_key = ?", now,
                        e.instanceKey());
                return;
            }
            ElementRow scope = element(done.flowScopeKey());
            for (Flow f : flows) {
                takeFlow(scope, f);
            }
            enqueue(Cmd.CHILD_ENDED, scope.key());
        }

        private List<Flow> chooseFlows(ElementRow e, Node node, Map<String, Object> vars) {
            if (node.kind() != Kind.EXCLUSIVE_GATEWAY || node.outgoing().size() <= 1 && node.outgoing().stream()
                    .allMatch(f -> f.condition() == null)) {
                return node.outgoing();
            }
            Flow defaultFlow = null;
            for (Flow f : node.outgoing()) {
                if (f.id().equals(node.defaultFlowId())) {
                    defaultFlow = f;
                    continue;
                }
                if (f.condition() != null && feel.condition(f.condition(), vars)) {
                    return List.of(f);
                }
            }
            if (defaultFlow != null) {
                return List.of(defaultFlow);
            }
            throw new EvaluationException("CONDITION_ERROR", "Expected at least one condition to evaluate to true, "
                    + "or to have a default flow (gateway '" + node.id() + "')");
        }

        private void takeFlow(ElementRow scope, Flow flow) {
            Node target = model(scope).node(flow.targetId());
            if (target.kind() == Kind.PARALLEL_GATEWAY && target.incomingCount() > 1) {
                if (db.update("UPDATE engine_join SET tokens = tokens + 1 WHERE flow_scope_key = ? AND gateway_id = ? "
                        + "AND flow_id = ?", scope.key(), target.id(), flow.id()) == 0) {
                    db.update("INSERT INTO engine_join (flow_scope_key, gateway_id, flow_id, instance_key, tokens) "
                            + "VALUES (?, ?, ?, ?, 1)", scope.key(), target.id(), flow.id(), scope.instanceKey());
                }
                long arrived = db.count("SELECT COUNT(*) FROM engine_join WHERE flow_scope_key = ? AND gateway_id = ? "
                        + "AND tokens > 0", scope.key(), target.id());
                if (arrived < target.incomingCount()) {
                    return;
                }
                db.update("UPDATE engine_join SET tokens = tokens - 1 WHERE flow_scope_key = ? AND gateway_id = ?",
                        scope.key(), target.id());
                db.update("DELETE FROM engine_join WHERE flow_scope_key = ? AND gateway_id = ? AND tokens <= 0",
                        scope.key(), target.id());
            }
            activateNode(scope, target, Map.of());
        }

        private void childEnded(ElementRow scope) {
            if (scope.ended()) {
                return;
            }
            if ("TERMINATING".equals(scope.state())) {
                if (activeChildren(scope.key()).isEmpty()) {
                    finishTermination(scope);
                }
                return;
            }
            if (!"ACTIVATED".equals(scope.state())) {
                return;
            }
            if (BODY.equals(scope.type())) {
                bodyChildEnded(scope);
                return;
            }
            if (!hasActiveChild(scope.key()) && (!model(scope).hasJoins()
                    || db.count("SELECT COUNT(*) FROM engine_join WHERE flow_scope_key = ?", scope.key()) == 0)) {
                enqueue(Cmd.COMPLETE, scope.key());
            }
        }

        // ------------------------------------------------------------ termination

        private void cleanupSubscriptions(ElementRow e) {
            // Only catch events and activities with boundary events ever own timers or message
            // subscriptions; skipping the two DELETEs for every other element saves two round
            // trips per ended element (14 of ~126 statements of a five-step instance, bench/engine.sh).
            Node n = model(e).nodes().get(e.elementId());
            if (n != null && n.kind() != Kind.INTERMEDIATE_CATCH_EVENT && n.boundaryIds().isEmpty()) {
                return;
            }
            db.update("DELETE FROM engine_timer WHERE element_key = ?", e.key());
            db.update("DELETE FROM engine_message_subscription WHERE element_key = ?", e.key());
        }

        private void terminate(ElementRow e) {
            if (e.ended() || "TERMINATING".equals(e.state())) {
                return;
            }
            e = setState(e, "TERMINATING");
            cleanupSubscriptions(e);
            db.update("DELETE FROM engine_incident WHERE element_key = ?", e.key());
            db.update("DELETE FROM engine_join WHERE flow_scope_key = ?", e.key());
            switch (e.type()) {
                case "PROCESS", "SUB_PROCESS", BODY -> {
                    List<ElementRow> children = activeChildren(e.key());
                    if (children.isEmpty()) {
                        finishTermination(e);
                    } else {
                        children.forEach(c -> enqueue(Cmd.TERMINATE, c.key()));
                    }
                }
                case "USER_TASK" -> {
                    db.update("DELETE FROM engine_job WHERE element_key = ?", e.key());
                    UserTaskRow ut = userTaskByElement(e.key());
                    // Canceling listeners run even while CREATING: a creating listener may already have
                    // done its work (e.g. opened an inbox row) before the task was canceled.
                    if (ut != null && !node(e).userTask().listeners(ListenerEventType.CANCELING).isEmpty()) {
                        beginTransition(ut, ListenerEventType.CANCELING);
                    } else {
                        finishTermination(e);
                    }
                }
                default -> {
                    db.update("DELETE FROM engine_job WHERE element_key = ?", e.key());
                    finishTermination(e);
                }
            }
        }

        @SuppressWarnings("unchecked")
        void finishTermination(ElementRow e) {
            String pending = e.pending();
            db.update("DELETE FROM engine_user_task WHERE element_key = ?", e.key());
            db.update("DELETE FROM engine_job WHERE element_key = ?", e.key());
            if (!"PROCESS".equals(e.type())) {
                deleteLocals(e.key());
            }
            ElementRow done = setState(e, "TERMINATED");
            if ("PROCESS".equals(e.type())) {
                db.update("UPDATE engine_instance SET state = 'TERMINATED', ended_at = ?, active_business_id = NULL "
                        + "WHERE instance_key = ?", now,
                        e.instanceKey());
                db.update("DELETE FROM engine_incident WHERE instance_key = ?", e.instanceKey());
                return;
            }
            ElementRow scope = element(done.flowScopeKey());
            if (pending != null) {
                Map<String, Object> p = (Map<String, Object>) Json.read(pending);
                if (p.containsKey("boundary") && "ACTIVATED".equals(scope.state())) {
                    Node boundary = model(e).node((String) p.get("boundary"));
                    activateNode(scope, boundary, (Map<String, Object>) p.getOrDefault("variables", Map.of()));
                }
            }
            enqueue(Cmd.CHILD_ENDED, scope.key());
        }

        // ------------------------------------------------------------ user task transitions

        /** Starts a lifecycle transition: runs the first listener job, or finishes at once without listeners. */
        void beginTransition(UserTaskRow ut, ListenerEventType event) {
            ElementRow e = element(ut.elementKey());
            List<Listener> listeners = node(e).userTask().listeners(event);
            if (listeners.isEmpty()) {
                // No listener job to wait for: the transition ends in this step, so its intermediate
                // state is never written (finishTransition writes the outcome from the given row).
                finishTransition(ut, event);
            } else {
                db.update("UPDATE engine_user_task SET state = ?, listener_index = 0 WHERE user_task_key = ?",
                        event.name(), ut.key());
                createListenerJob(e, listeners.get(0));
            }
        }

        boolean hasListeners(UserTaskRow ut, ListenerEventType event) {
            return !node(element(ut.elementKey())).userTask().listeners(event).isEmpty();
        }

        private void createListenerJob(ElementRow e, Listener l) {
            Map<String, Object> vars = visible(e.key());
            String type;
            int retries;
            try {
                type = feel.string(l.type(), vars, "task listener type");
                retries = intValue(feel.value(l.retries(), vars, "EXTRACT_VALUE_ERROR"), "task listener retries");
            } catch (EvaluationException ex) {
                incident(e, ex.errorType, ex.getMessage(), null);
                return;
            }
            insertJob(e, type, retries, JobKind.TASK_LISTENER, l.eventType(), node(e).headers());
        }

        void listenerCompleted(UserTaskRow ut, ListenerEventType event) {
            if (!event.name().equals(ut.state())) {
                return;
            }
            ElementRow e = element(ut.elementKey());
            List<Listener> listeners = node(e).userTask().listeners(event);
            int next = ut.listenerIndex() + 1;
            if (next < listeners.size()) {
                db.update("UPDATE engine_user_task SET listener_index = ? WHERE user_task_key = ?", next, ut.key());
                createListenerJob(e, listeners.get(next));
            } else {
                finishTransition(ut, event);
            }
        }

        @SuppressWarnings("unchecked")
        private void finishTransition(UserTaskRow ut, ListenerEventType event) {
            ElementRow e = element(ut.elementKey());
            switch (event) {
                case CREATING -> {
                    if (ut.pendingAssignee() != null) {
                        beginTransition(ut, ListenerEventType.ASSIGNING);
                    } else {
                        db.update("UPDATE engine_user_task SET state = 'CREATED' WHERE user_task_key = ?", ut.key());
                    }
                }
                case ASSIGNING -> db.update("UPDATE engine_user_task SET state = 'CREATED', assignee = ?, "
                        + "pending_assignee = NULL WHERE user_task_key = ?", ut.pendingAssignee(), ut.key());
                case COMPLETING -> {
                    Map<String, Object> vars = ut.pendingVariables() == null ? Map.of()
                            : (Map<String, Object>) Json.read(ut.pendingVariables());
                    db.update("DELETE FROM engine_user_task WHERE user_task_key = ?", ut.key());
                    if ("ACTIVATED".equals(e.state())) {
                        setEventVariables(e, node(e), vars);
                        enqueue(Cmd.COMPLETE, e.key());
                    }
                }
                case CANCELING -> finishTermination(e);
                default -> throw new IllegalStateException();
            }
        }
    }

    /** Hands out keys from the database sequence in blocks of 100 (the sequence's increment). */
    static final class KeyGenerator {
        private long next;
        private long limit;

        synchronized long next(Db db) {
            if (next >= limit) {
                long start = db.one("SELECT nextval('engine_key_seq')", rs -> rs.getLong(1));
                next = start;
                limit = start + 100;
            }
            return next++;
        }
    }
}
