package io.countersign.engine.embedded;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The embedded engine's {@link EngineStore} on one JDBC transaction ({@link Db}): the only
 * class of the engine core that holds SQL, with the write-behind buffers of element rows
 * ({@link JdbcElementBuffer}) and variables ({@link JdbcVariableBuffer}).
 */
final class JdbcEngineStore implements EngineStore {

    private final Db db;
    private final KeyGenerator keys;
    private final JdbcElementBuffer elements;
    private final JdbcVariableBuffer variables;

    JdbcEngineStore(Db db, KeyGenerator keys, OffsetDateTime now) {
        this.db = db;
        this.keys = keys;
        this.elements = new JdbcElementBuffer(db, now);
        this.variables = new JdbcVariableBuffer(db);
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

    // ------------------------------------------------------------------ transaction

    @Override
    public long nextKey() {
        return keys.next(db);
    }

    @Override
    public void afterCommit(Runnable action) {
        db.afterCommit(action);
    }

    @Override
    public void afterRollback(Runnable action) {
        db.afterRollback(action);
    }

    @Override
    public void beforeFlush(Runnable action) {
        db.beforeReturn(() -> {
            action.run();
            variables.flush();
            elements.flush();
        });
    }

    // ------------------------------------------------------------------ processes and instances

    @Override
    public void insertDeployment(long deploymentKey, OffsetDateTime createdAt) {
        db.update("INSERT INTO engine_deployment (deployment_key, created_at) VALUES (?, ?)", deploymentKey, createdAt);
    }

    @Override
    public ProcessVersion latestProcess(String bpmnProcessId) {
        return db.one("SELECT process_key, version, checksum FROM engine_process WHERE bpmn_process_id = ? "
                + "ORDER BY version DESC LIMIT 1", rs -> new ProcessVersion(rs.getLong(1), rs.getInt(2), rs.getString(3)),
                bpmnProcessId);
    }

    @Override
    public ProcessVersion process(String bpmnProcessId, int version) {
        return db.one("SELECT process_key, version, checksum FROM engine_process WHERE bpmn_process_id = ? "
                + "AND version = ?", rs -> new ProcessVersion(rs.getLong(1), rs.getInt(2), rs.getString(3)),
                bpmnProcessId, version);
    }

    @Override
    public void insertProcess(NewProcess p) {
        db.update("INSERT INTO engine_process (process_key, bpmn_process_id, version, checksum, resource_name, "
                + "resource_base64, deployment_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", p.processKey(),
                p.bpmnProcessId(), p.version(), p.checksum(), p.resourceName(), p.base64(), p.deploymentKey(),
                p.createdAt());
    }

    @Override
    public ProcessResource processResource(long processKey) {
        return db.one("SELECT bpmn_process_id, version, resource_name, resource_base64 FROM engine_process "
                + "WHERE process_key = ?", rs -> new ProcessResource(rs.getString(1), rs.getInt(2), rs.getString(3),
                        rs.getString(4)), processKey);
    }

    @Override
    public Long activeInstanceWithBusinessId(String bpmnProcessId, String businessId) {
        return db.one("SELECT instance_key FROM engine_instance WHERE bpmn_process_id = ? AND active_business_id = ?",
                rs -> rs.getLong(1), bpmnProcessId, businessId);
    }

    @Override
    public void insertInstance(long key, long processKey, String bpmnProcessId, int version, OffsetDateTime startedAt,
            String businessId) {
        db.update("INSERT INTO engine_instance (instance_key, process_key, bpmn_process_id, version, state, started_at, "
                + "active_business_id) VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?)", key, processKey, bpmnProcessId, version,
                startedAt, businessId);
    }

    @Override
    public InstanceRow lockInstance(long instanceKey) {
        return lockInstanceWhere("instance_key = ?", instanceKey);
    }

    @Override
    public InstanceRow lockInstanceOfJob(long jobKey) {
        return lockInstanceWhere("instance_key = (SELECT instance_key FROM engine_job WHERE job_key = ?)", jobKey);
    }

    @Override
    public InstanceRow lockInstanceOfUserTask(long userTaskKey) {
        return lockInstanceWhere("instance_key = (SELECT instance_key FROM engine_user_task WHERE user_task_key = ?)",
                userTaskKey);
    }

    /** Locks the instance row matching the condition (e.g. the instance owning a job, by a subquery). */
    private InstanceRow lockInstanceWhere(String condition, long arg) {
        return db.one("SELECT instance_key, process_key, bpmn_process_id, version, state FROM engine_instance WHERE "
                + condition + " FOR UPDATE", rs -> new InstanceRow(rs.getLong(1), rs.getLong(2), rs.getString(3),
                        rs.getInt(4), rs.getString(5)), arg);
    }

    @Override
    public long processKeyOf(long instanceKey) {
        return db.one("SELECT process_key FROM engine_instance WHERE instance_key = ?", rs -> rs.getLong(1), instanceKey);
    }

    @Override
    public void endInstance(long instanceKey, String state, OffsetDateTime endedAt) {
        db.update("UPDATE engine_instance SET state = ?, ended_at = ?, active_business_id = NULL WHERE instance_key = ?",
                state, endedAt, instanceKey);
    }

    // ------------------------------------------------------------------ element instances

    @Override
    public ElementRow element(long key) {
        return elements.element(key);
    }

    @Override
    public void preload(Collection<Long> keys) {
        elements.preload(keys);
    }

    @Override
    public Long instanceOfActiveElement(long elementKey) {
        return db.one("SELECT instance_key FROM engine_element WHERE element_key = ? AND state NOT IN "
                + "('COMPLETED', 'TERMINATED')", rs -> rs.getLong(1), elementKey);
    }

    @Override
    public ElementRow insertElement(ElementRow row) {
        variables.newScope(row.key());
        return elements.insert(row);
    }

    @Override
    public ElementRow update(ElementRow row) {
        return elements.update(row);
    }

    @Override
    public List<ElementRow> activeChildren(long scopeKey) {
        return elements.activeChildren(scopeKey);
    }

    @Override
    public boolean hasActiveChild(long scopeKey) {
        return elements.hasActiveChild(scopeKey);
    }

    @Override
    public long completedChildren(long scopeKey) {
        return elements.completedChildren(scopeKey);
    }

    // ------------------------------------------------------------------ variables

    @Override
    public Map<Long, Map<String, Object>> locals(List<Long> scopes) {
        return variables.locals(scopes);
    }

    @Override
    public void setLocal(long scopeKey, long instanceKey, String name, Object value) {
        variables.set(scopeKey, instanceKey, name, value);
    }

    @Override
    public void deleteLocals(long scopeKey) {
        variables.delete(scopeKey);
    }

    // ------------------------------------------------------------------ jobs

    @Override
    public JobRow job(long jobKey) {
        return db.one("SELECT " + JdbcRows.JOB_COLS + " FROM engine_job WHERE job_key = ?", JdbcRows::job, jobKey);
    }

    @Override
    public void insertJob(NewJob j) {
        ElementRow e = j.element();
        boolean pushed = j.deadline() != null;
        db.update("INSERT INTO engine_job (" + JdbcRows.JOB_COLS + ", available_at, created_at, deadline, lock_token) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", j.key(), e.instanceKey(), e.key(),
                e.elementId(), j.bpmnProcessId(), j.version(), j.type(), j.kind(), j.listenerEvent(), j.retries(),
                pushed ? "ACTIVATED" : "ACTIVATABLE", j.headers(), j.createdAt(), j.createdAt(), j.deadline(),
                pushed ? "pushed" : null);
    }

    @Override
    public void deleteJob(long jobKey) {
        db.update("DELETE FROM engine_job WHERE job_key = ?", jobKey);
    }

    @Override
    public void deleteJobsOf(long elementKey) {
        db.update("DELETE FROM engine_job WHERE element_key = ?", elementKey);
    }

    @Override
    public void retryJob(long jobKey, int retries, OffsetDateTime availableAt, String errorMessage) {
        db.update("UPDATE engine_job SET state = 'ACTIVATABLE', retries = ?, available_at = ?, deadline = NULL, "
                + "lock_token = NULL, error_message = ? WHERE job_key = ?", retries, availableAt, errorMessage, jobKey);
    }

    @Override
    public void failJob(long jobKey, String errorMessage) {
        db.update("UPDATE engine_job SET state = 'FAILED', retries = 0, deadline = NULL, lock_token = NULL, "
                + "error_message = ? WHERE job_key = ?", errorMessage, jobKey);
    }

    @Override
    public void jobErrorThrown(long jobKey, String errorMessage) {
        db.update("UPDATE engine_job SET state = 'ERROR_THROWN', deadline = NULL, lock_token = NULL, error_message = ? "
                + "WHERE job_key = ?", errorMessage, jobKey);
    }

    @Override
    public void updateJobRetries(long jobKey, int retries) {
        db.update("UPDATE engine_job SET retries = ? WHERE job_key = ?", retries, jobKey);
    }

    @Override
    public void makeJobActivatable(long jobKey, OffsetDateTime availableAt) {
        db.update("UPDATE engine_job SET state = 'ACTIVATABLE', available_at = ? WHERE job_key = ?", availableAt, jobKey);
    }

    @Override
    public List<JobRow> claimJobs(String type, int max, OffsetDateTime now, OffsetDateTime deadline, String token) {
        String claimable = "job_type = ? AND ((state = 'ACTIVATABLE' AND available_at <= ?) "
                + "OR (state = 'ACTIVATED' AND deadline < ?))";
        int n = db.update("UPDATE engine_job SET state = 'ACTIVATED', deadline = ?, lock_token = ? WHERE job_key IN "
                + "(SELECT job_key FROM engine_job WHERE " + claimable + " ORDER BY job_key LIMIT " + max + ") AND "
                + claimable, deadline, token, type, now, now, type, now, now);
        if (n == 0) {
            return List.of();
        }
        return db.list("SELECT " + JdbcRows.JOB_COLS + " FROM engine_job WHERE lock_token = ? ORDER BY job_key",
                JdbcRows::job, token);
    }

    // ------------------------------------------------------------------ user tasks

    @Override
    public UserTaskRow userTask(long userTaskKey) {
        return db.one("SELECT " + JdbcRows.UT_COLS + " FROM engine_user_task WHERE user_task_key = ?",
                JdbcRows::userTask, userTaskKey);
    }

    @Override
    public UserTaskRow userTaskOfElement(long elementKey) {
        return db.one("SELECT " + JdbcRows.UT_COLS + " FROM engine_user_task WHERE element_key = ?", JdbcRows::userTask,
                elementKey);
    }

    @Override
    public void insertUserTask(UserTaskRow ut, OffsetDateTime createdAt) {
        db.update("INSERT INTO engine_user_task (" + JdbcRows.UT_COLS + ", created_at) VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ut.key(), ut.elementKey(), ut.instanceKey(), ut.elementId(),
                ut.state(), ut.assignee(), ut.candidateGroups(), ut.candidateUsers(), ut.dueDate(), ut.listenerIndex(),
                ut.pendingAssignee(), ut.pendingVariables(), createdAt);
    }

    @Override
    public void beginUserTaskTransition(long userTaskKey, String transition) {
        db.update("UPDATE engine_user_task SET state = ?, listener_index = 0 WHERE user_task_key = ?", transition,
                userTaskKey);
    }

    @Override
    public void setListenerIndex(long userTaskKey, int index) {
        db.update("UPDATE engine_user_task SET listener_index = ? WHERE user_task_key = ?", index, userTaskKey);
    }

    @Override
    public void setUserTaskCreated(long userTaskKey) {
        db.update("UPDATE engine_user_task SET state = 'CREATED' WHERE user_task_key = ?", userTaskKey);
    }

    @Override
    public void setUserTaskAssigned(long userTaskKey, String assignee) {
        db.update("UPDATE engine_user_task SET state = 'CREATED', assignee = ?, pending_assignee = NULL "
                + "WHERE user_task_key = ?", assignee, userTaskKey);
    }

    @Override
    public void setPendingVariables(long userTaskKey, String variablesJson) {
        db.update("UPDATE engine_user_task SET pending_variables = ? WHERE user_task_key = ?", variablesJson,
                userTaskKey);
    }

    @Override
    public void setPendingAssignee(long userTaskKey, String assignee) {
        db.update("UPDATE engine_user_task SET pending_assignee = ? WHERE user_task_key = ?", assignee, userTaskKey);
    }

    @Override
    public void setCandidateGroups(long userTaskKey, String groupsJson) {
        db.update("UPDATE engine_user_task SET candidate_groups = ? WHERE user_task_key = ?", groupsJson, userTaskKey);
    }

    @Override
    public void deleteUserTask(long userTaskKey) {
        db.update("DELETE FROM engine_user_task WHERE user_task_key = ?", userTaskKey);
    }

    @Override
    public void deleteUserTasksOf(long elementKey) {
        db.update("DELETE FROM engine_user_task WHERE element_key = ?", elementKey);
    }

    // ------------------------------------------------------------------ timers

    @Override
    public void insertTimer(long instanceKey, long elementKey, String targetElementId, OffsetDateTime dueAt,
            int repetitions, String interval) {
        db.update("INSERT INTO engine_timer (timer_key, instance_key, element_key, target_element_id, due_at, "
                + "repetitions, interval_iso) VALUES (?, ?, ?, ?, ?, ?, ?)", nextKey(), instanceKey, elementKey,
                targetElementId, dueAt, repetitions, interval);
    }

    @Override
    public Long instanceOfTimer(long timerKey) {
        return db.one("SELECT instance_key FROM engine_timer WHERE timer_key = ?", rs -> rs.getLong(1), timerKey);
    }

    @Override
    public Timer timer(long timerKey) {
        return db.one("SELECT element_key, target_element_id, due_at, repetitions, interval_iso FROM engine_timer "
                + "WHERE timer_key = ?", rs -> new Timer(rs.getLong(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class), rs.getInt(4), rs.getString(5)), timerKey);
    }

    @Override
    public boolean claimTimer(long timerKey) {
        return db.update("DELETE FROM engine_timer WHERE timer_key = ?", timerKey) == 1;
    }

    @Override
    public void deleteTimersOf(long elementKey) {
        db.update("DELETE FROM engine_timer WHERE element_key = ?", elementKey);
    }

    @Override
    public List<Long> dueTimers(OffsetDateTime now, int limit) {
        return db.list("SELECT timer_key FROM engine_timer WHERE due_at <= ? ORDER BY due_at, timer_key LIMIT "
                + limit, rs -> rs.getLong(1), now);
    }

    @Override
    public OffsetDateTime nextTimerDue() {
        return db.one("SELECT MIN(due_at) FROM engine_timer", rs -> rs.getObject(1, OffsetDateTime.class));
    }

    // ------------------------------------------------------------------ messages

    @Override
    public boolean messageBuffered(String dedupKey, OffsetDateTime now) {
        db.update("DELETE FROM engine_message WHERE dedup_key = ? AND expires_at <= ?", dedupKey, now);
        return db.count("SELECT COUNT(*) FROM engine_message WHERE dedup_key = ?", dedupKey) > 0;
    }

    @Override
    public void insertMessage(long key, String name, String correlationKey, String messageId, String dedupKey,
            String variablesJson, OffsetDateTime expiresAt, OffsetDateTime createdAt) {
        db.update("INSERT INTO engine_message (message_key, name, correlation_key, message_id, dedup_key, "
                + "variables_json, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", key, name, correlationKey,
                messageId, dedupKey, variablesJson, expiresAt, createdAt);
    }

    @Override
    public List<Subscription> subscriptions(String name, String correlationKey) {
        return db.list("SELECT subscription_key, instance_key, element_key, target_element_id "
                + "FROM engine_message_subscription WHERE message_name = ? AND correlation_key = ? "
                + "ORDER BY instance_key, subscription_key", rs -> new Subscription(rs.getLong(1), rs.getLong(2),
                        rs.getLong(3), rs.getString(4)), name, correlationKey);
    }

    @Override
    public void insertSubscription(long key, long instanceKey, long elementKey, String targetElementId, String name,
            String correlationKey) {
        db.update("INSERT INTO engine_message_subscription (subscription_key, instance_key, element_key, "
                + "target_element_id, message_name, correlation_key) VALUES (?, ?, ?, ?, ?, ?)", key, instanceKey,
                elementKey, targetElementId, name, correlationKey);
    }

    @Override
    public BufferedMessage uncorrelatedMessage(String name, String correlationKey, OffsetDateTime now,
            long instanceKey) {
        return db.one("SELECT message_key, variables_json FROM engine_message m WHERE name = ? AND correlation_key = ? "
                + "AND expires_at > ? AND NOT EXISTS (SELECT 1 FROM engine_message_correlation c "
                + "WHERE c.message_key = m.message_key AND c.instance_key = ?) ORDER BY message_key LIMIT 1",
                rs -> new BufferedMessage(rs.getLong(1), rs.getString(2)), name, correlationKey, now, instanceKey);
    }

    @Override
    public void insertCorrelation(long messageKey, long instanceKey) {
        db.update("INSERT INTO engine_message_correlation (message_key, instance_key) VALUES (?, ?)", messageKey,
                instanceKey);
    }

    @Override
    public int deleteExpiredMessages(OffsetDateTime now) {
        db.update("DELETE FROM engine_message_correlation WHERE message_key IN "
                + "(SELECT message_key FROM engine_message WHERE expires_at <= ?)", now);
        return db.update("DELETE FROM engine_message WHERE expires_at <= ?", now);
    }

    @Override
    public Subscription subscription(long subscriptionKey) {
        return db.one("SELECT subscription_key, instance_key, element_key, target_element_id "
                + "FROM engine_message_subscription WHERE subscription_key = ?", rs -> new Subscription(rs.getLong(1),
                        rs.getLong(2), rs.getLong(3), rs.getString(4)), subscriptionKey);
    }

    @Override
    public boolean claimSubscription(long subscriptionKey) {
        return db.update("DELETE FROM engine_message_subscription WHERE subscription_key = ?", subscriptionKey) == 1;
    }

    @Override
    public void deleteSubscriptionsOf(long elementKey) {
        db.update("DELETE FROM engine_message_subscription WHERE element_key = ?", elementKey);
    }

    // ------------------------------------------------------------------ parallel joins

    @Override
    public long arriveAtJoin(long scopeKey, String gatewayId, String flowId, long instanceKey) {
        if (db.update("UPDATE engine_join SET tokens = tokens + 1 WHERE flow_scope_key = ? AND gateway_id = ? "
                + "AND flow_id = ?", scopeKey, gatewayId, flowId) == 0) {
            db.update("INSERT INTO engine_join (flow_scope_key, gateway_id, flow_id, instance_key, tokens) "
                    + "VALUES (?, ?, ?, ?, 1)", scopeKey, gatewayId, flowId, instanceKey);
        }
        return db.count("SELECT COUNT(*) FROM engine_join WHERE flow_scope_key = ? AND gateway_id = ? AND tokens > 0",
                scopeKey, gatewayId);
    }

    @Override
    public void consumeJoin(long scopeKey, String gatewayId) {
        db.update("UPDATE engine_join SET tokens = tokens - 1 WHERE flow_scope_key = ? AND gateway_id = ?", scopeKey,
                gatewayId);
        db.update("DELETE FROM engine_join WHERE flow_scope_key = ? AND gateway_id = ? AND tokens <= 0", scopeKey,
                gatewayId);
    }

    @Override
    public boolean hasJoinTokens(long scopeKey) {
        return db.count("SELECT COUNT(*) FROM engine_join WHERE flow_scope_key = ?", scopeKey) > 0;
    }

    @Override
    public void deleteJoins(long scopeKey) {
        db.update("DELETE FROM engine_join WHERE flow_scope_key = ?", scopeKey);
    }

    // ------------------------------------------------------------------ incidents

    @Override
    public void insertIncident(long key, ElementRow e, String errorType, String errorMessage, Long jobKey,
            OffsetDateTime createdAt) {
        db.update("INSERT INTO engine_incident (incident_key, instance_key, element_key, element_id, error_type, "
                + "error_message, job_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", key, e.instanceKey(), e.key(),
                e.elementId(), errorType, errorMessage, jobKey, createdAt);
    }

    @Override
    public Incident incident(long incidentKey) {
        return db.one("SELECT element_key, job_key, error_type, error_message FROM engine_incident WHERE incident_key = ?",
                rs -> new Incident(rs.getLong(1), rs.getObject(2) == null ? null : rs.getLong(2), rs.getString(3),
                        rs.getString(4)), incidentKey);
    }

    @Override
    public Long instanceOfIncident(long incidentKey) {
        return db.one("SELECT instance_key FROM engine_incident WHERE incident_key = ?", rs -> rs.getLong(1),
                incidentKey);
    }

    @Override
    public void deleteIncident(long incidentKey) {
        db.update("DELETE FROM engine_incident WHERE incident_key = ?", incidentKey);
    }

    @Override
    public void deleteIncidentsOf(long elementKey) {
        db.update("DELETE FROM engine_incident WHERE element_key = ?", elementKey);
    }

    @Override
    public void deleteIncidentsOfInstance(long instanceKey) {
        db.update("DELETE FROM engine_incident WHERE instance_key = ?", instanceKey);
    }
}
