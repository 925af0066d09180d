package io.countersign.engine.embedded;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Everything the embedded engine reads and writes, for one transaction (the shape of
 * lib-bpmn-engine's {@code BpmnEnginePersistence}). The behaviours and the step driver see only
 * this interface; {@link JdbcEngineStore} owns every SQL statement.
 *
 * <p>Element rows and variables are buffered: a step reads each at most once and writes each
 * changed row once, just before the transaction commits, so reads through this store always
 * see the step's own writes.
 */
interface EngineStore {

    /** A stored process version: its key, version and resource checksum. */
    record ProcessVersion(long processKey, int version, String checksum) {
    }

    /** The BPMN a process version was deployed from. */
    record ProcessResource(String bpmnProcessId, int version, String resourceName, String base64) {
    }

    /** A process version to store. */
    record NewProcess(long processKey, String bpmnProcessId, int version, String checksum, String resourceName,
            String base64, long deploymentKey, OffsetDateTime createdAt) {
    }

    /** A job to store; a pushed job is created ACTIVATED for a local worker until {@code deadline}. */
    record NewJob(long key, ElementRow element, String bpmnProcessId, int version, String type, String kind,
            String listenerEvent, int retries, String headers, OffsetDateTime createdAt, OffsetDateTime deadline) {
    }

    /** A timer of an element (its own, or one of its boundary events'). */
    record Timer(long elementKey, String targetElementId, OffsetDateTime dueAt, int repetitions, String interval) {
    }

    /** An open message subscription of an element. */
    record Subscription(long key, long instanceKey, long elementKey, String targetElementId) {
    }

    /** A buffered message not yet correlated to an instance. */
    record BufferedMessage(long key, String variablesJson) {
    }

    /** An open incident. */
    record Incident(long elementKey, Long jobKey, String errorType, String errorMessage) {
    }

    // ------------------------------------------------------------------ transaction

    /** A new engine-wide unique key. */
    long nextKey();

    /** Runs after the transaction commits. */
    void afterCommit(Runnable action);

    /** Runs when the transaction does not commit. */
    void afterRollback(Runnable action);

    /** Runs once the step's function returns, before the buffered rows are written. */
    void beforeFlush(Runnable action);

    // ------------------------------------------------------------------ processes and instances

    void insertDeployment(long deploymentKey, OffsetDateTime createdAt);

    /** The latest version of a process, or null. */
    ProcessVersion latestProcess(String bpmnProcessId);

    /** A given version of a process, or null. */
    ProcessVersion process(String bpmnProcessId, int version);

    void insertProcess(NewProcess process);

    /** The stored BPMN of a process version, or null. */
    ProcessResource processResource(long processKey);

    /** The active instance of a process with that business id, or null. */
    Long activeInstanceWithBusinessId(String bpmnProcessId, String businessId);

    void insertInstance(long key, long processKey, String bpmnProcessId, int version, OffsetDateTime startedAt,
            String businessId);

    /** Locks and reads an instance row, or null. Only the read after this lock sees its last committed step. */
    InstanceRow lockInstance(long instanceKey);

    /** Locks the instance owning a job (null when there is none); read the job after the lock. */
    InstanceRow lockInstanceOfJob(long jobKey);

    /** Locks the instance owning a user task (null when there is none); read the task after the lock. */
    InstanceRow lockInstanceOfUserTask(long userTaskKey);

    long processKeyOf(long instanceKey);

    /** Ends an instance (COMPLETED or TERMINATED) and frees its business id. */
    void endInstance(long instanceKey, String state, OffsetDateTime endedAt);

    // ------------------------------------------------------------------ element instances (buffered)

    /** The element instance; throws when it does not exist. */
    ElementRow element(long key);

    /** Reads the given element rows not held yet in one query. */
    void preload(Collection<Long> keys);

    /** The instance of an element that has not ended, or null. */
    Long instanceOfActiveElement(long elementKey);

    /** A new element instance, written when the step returns. */
    ElementRow insertElement(ElementRow row);

    /** Replaces an element row (state, pending work, loop counter); returns it. */
    ElementRow update(ElementRow row);

    /** The scope's children that have not ended, oldest first. */
    List<ElementRow> activeChildren(long scopeKey);

    /** Like {@code !activeChildren(scopeKey).isEmpty()}, without a query when the step holds an active child. */
    boolean hasActiveChild(long scopeKey);

    long completedChildren(long scopeKey);

    // ------------------------------------------------------------------ variables (buffered)

    /** Each scope's local variables; the maps are the store's own and must not be modified. */
    Map<Long, Map<String, Object>> locals(List<Long> scopes);

    void setLocal(long scopeKey, long instanceKey, String name, Object value);

    /** Drops a scope's variables (its element ended). */
    void deleteLocals(long scopeKey);

    // ------------------------------------------------------------------ jobs

    /** The job, or null. */
    JobRow job(long jobKey);

    void insertJob(NewJob job);

    void deleteJob(long jobKey);

    void deleteJobsOf(long elementKey);

    /** Makes a failed job activatable again at {@code availableAt}. */
    void retryJob(long jobKey, int retries, OffsetDateTime availableAt, String errorMessage);

    /** Marks a job FAILED with no retries left. */
    void failJob(long jobKey, String errorMessage);

    /** Marks a job ERROR_THROWN. */
    void jobErrorThrown(long jobKey, String errorMessage);

    void updateJobRetries(long jobKey, int retries);

    void makeJobActivatable(long jobKey, OffsetDateTime availableAt);

    /** Locks up to {@code max} claimable jobs of a type until {@code deadline}; returns them by key. */
    List<JobRow> claimJobs(String type, int max, OffsetDateTime now, OffsetDateTime deadline, String token);

    // ------------------------------------------------------------------ user tasks

    UserTaskRow userTask(long userTaskKey);

    UserTaskRow userTaskOfElement(long elementKey);

    void insertUserTask(UserTaskRow task, OffsetDateTime createdAt);

    /** Starts a lifecycle transition: the state names it, the first listener runs. */
    void beginUserTaskTransition(long userTaskKey, String transition);

    void setListenerIndex(long userTaskKey, int index);

    void setUserTaskCreated(long userTaskKey);

    /** Ends an assigning transition: CREATED with its new assignee. */
    void setUserTaskAssigned(long userTaskKey, String assignee);

    void setPendingVariables(long userTaskKey, String variablesJson);

    void setPendingAssignee(long userTaskKey, String assignee);

    void setCandidateGroups(long userTaskKey, String groupsJson);

    void deleteUserTask(long userTaskKey);

    void deleteUserTasksOf(long elementKey);

    // ------------------------------------------------------------------ timers

    void insertTimer(long instanceKey, long elementKey, String targetElementId, OffsetDateTime dueAt,
            int repetitions, String interval);

    /** The instance a timer belongs to, or null when it is gone. */
    Long instanceOfTimer(long timerKey);

    Timer timer(long timerKey);

    /** Deletes a timer; true for exactly one caller (the one that fires it). */
    boolean claimTimer(long timerKey);

    void deleteTimersOf(long elementKey);

    /** Keys of the timers due by {@code now}, soonest first, at most {@code limit}. */
    List<Long> dueTimers(OffsetDateTime now, int limit);

    /** When the soonest timer falls due, or null when there is none. */
    OffsetDateTime nextTimerDue();

    // ------------------------------------------------------------------ messages

    /** Forgets an expired buffered message with this dedup key; true when one with it is still buffered. */
    boolean messageBuffered(String dedupKey, OffsetDateTime now);

    void insertMessage(long key, String name, String correlationKey, String messageId, String dedupKey,
            String variablesJson, OffsetDateTime expiresAt, OffsetDateTime createdAt);

    /** Open subscriptions for a message, by instance then key. */
    List<Subscription> subscriptions(String name, String correlationKey);

    void insertSubscription(long key, long instanceKey, long elementKey, String targetElementId, String name,
            String correlationKey);

    /** The oldest unexpired buffered message not yet correlated to the instance, or null. */
    BufferedMessage uncorrelatedMessage(String name, String correlationKey, OffsetDateTime now, long instanceKey);

    void insertCorrelation(long messageKey, long instanceKey);

    /** Deletes the buffered messages expired by {@code now} and their correlations; how many messages. */
    int deleteExpiredMessages(OffsetDateTime now);

    Subscription subscription(long subscriptionKey);

    /** Deletes a subscription; true for exactly one caller (the one that correlates it). */
    boolean claimSubscription(long subscriptionKey);

    void deleteSubscriptionsOf(long elementKey);

    // ------------------------------------------------------------------ parallel joins

    /** Counts a token arriving at a joining gateway over a flow; returns how many flows have a token. */
    long arriveAtJoin(long scopeKey, String gatewayId, String flowId, long instanceKey);

    /** Takes one token of every flow of a joining gateway. */
    void consumeJoin(long scopeKey, String gatewayId);

    boolean hasJoinTokens(long scopeKey);

    void deleteJoins(long scopeKey);

    // ------------------------------------------------------------------ incidents

    void insertIncident(long key, ElementRow element, String errorType, String errorMessage, Long jobKey,
            OffsetDateTime createdAt);

    Incident incident(long incidentKey);

    /** The instance an incident belongs to, or null. */
    Long instanceOfIncident(long incidentKey);

    void deleteIncident(long incidentKey);

    void deleteIncidentsOf(long elementKey);

    void deleteIncidentsOfInstance(long instanceKey);
}
