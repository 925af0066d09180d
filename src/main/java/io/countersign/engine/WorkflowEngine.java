package io.countersign.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The application's only port to a BPMN workflow engine (Camunda 8 / Zeebe dialect). Two
 * adapters implement it: the embedded engine ({@code countersign.engine=embedded}) and the
 * Camunda 8 client ({@code countersign.engine=camunda}); both pass the same conformance suite.
 *
 * <p>Keys are engine-assigned longs, as in Zeebe. Variables are JSON-compatible Java values
 * (String, Number, Boolean, null, List, Map). Commands that address something missing throw
 * {@link EngineNotFoundException}; commands that do not fit the current state throw
 * {@link EngineConflictException}. Job delivery is at least once: handlers must be idempotent.
 *
 * <p>User-task lifecycle callbacks are {@code zeebe:taskListener} jobs, exactly as in Camunda
 * 8.8+: the listener's {@code type} is a job type, a handler registered for it with
 * {@link #registerJobHandler} receives jobs of kind {@link JobKind#TASK_LISTENER} carrying
 * {@link ActivatedJob#userTask()}, and the lifecycle transition waits until that job completes.
 *
 * <p>The port holds what the application and the engine outbox use. Looking into instances
 * and repairing them after an incident is {@link WorkflowInspection}, which both adapters also
 * implement.
 */
public interface WorkflowEngine {

    /**
     * Deploys BPMN resources atomically: either every process in every resource becomes
     * deployable or nothing changes. A process whose resource bytes are unchanged since its
     * latest version keeps that version (no new version is created).
     *
     * @throws DeploymentRejectedException naming each offending element when a resource is invalid
     *     or uses a construct the engine does not support
     */
    DeploymentResult deploy(List<BpmnResource> resources);

    /**
     * Start variable that names the instance's business id (a non-blank string): while an
     * instance with that business id is active, another start of the same process with it is
     * refused with {@link EngineConflictException}. Camunda 8.9 does this when Business ID
     * Uniqueness Control is enabled on the cluster; the embedded engine always does. The engine
     * outbox sets it to the command's dedup key, so a start delivered twice starts one instance.
     */
    String BUSINESS_ID_VARIABLE = "countersignBusinessId";

    /**
     * Starts an instance of the latest version of a process.
     *
     * @param variables root-scope variables of the new instance
     * @return the process instance key
     * @throws EngineNotFoundException when no process with that id is deployed
     * @throws EngineConflictException when {@link #BUSINESS_ID_VARIABLE} names the business id of an
     *     active instance of this process
     */
    long startInstance(String bpmnProcessId, Map<String, Object> variables);

    /**
     * Starts an instance of a given version of a process.
     *
     * @return the process instance key
     * @throws EngineNotFoundException when that process version is not deployed
     * @throws EngineConflictException as for {@link #startInstance(String, Map)}
     */
    long startInstance(String bpmnProcessId, int version, Map<String, Object> variables);

    /**
     * Cancels an active instance: every active element is terminated (user tasks run their
     * {@code canceling} listeners first), then the instance ends as TERMINATED.
     *
     * @throws EngineNotFoundException when the instance does not exist or has already ended
     */
    void cancelInstance(long processInstanceKey);

    /**
     * Completes a user task with variables (merged into the instance as Zeebe does). With
     * {@code completing} listeners the task stays COMPLETING until their jobs complete.
     *
     * @throws EngineNotFoundException when no such open user task exists
     * @throws EngineConflictException when the task is not in CREATED state (e.g. still CREATING)
     */
    void completeUserTask(long userTaskKey, Map<String, Object> variables);

    /**
     * Assigns a user task (null unassigns). With {@code assigning} listeners the new assignee
     * takes effect once their jobs complete.
     *
     * @throws EngineNotFoundException when no such open user task exists
     * @throws EngineConflictException when the task is not in CREATED state
     */
    void assignUserTask(long userTaskKey, String assignee);

    /**
     * Replaces the candidate groups of an open user task (Zeebe's user-task update with a
     * {@code candidateGroups} changeset), e.g. to add an escalation group. {@code updating}
     * listeners are outside the supported subset, so the change takes effect at once.
     *
     * @throws EngineNotFoundException when no such open user task exists
     * @throws EngineConflictException when the task is not in CREATED state
     */
    void updateUserTaskCandidateGroups(long userTaskKey, List<String> candidateGroups);

    /**
     * Publishes a message. It is correlated to every open subscription with the same name and
     * correlation key (at most once per process instance) and, when {@code timeToLive} is
     * positive, buffered for subscriptions opened before it expires.
     *
     * @param messageId optional id; while a message with the same name, correlation key and id
     *     is buffered, another publish is refused with {@link EngineConflictException}
     * @return the message key
     */
    long publishMessage(String name, String correlationKey, Duration timeToLive, String messageId,
            Map<String, Object> variables);

    /**
     * Completes a job; its variables are merged into the instance. Completing a job that was
     * already completed, failed past retries, or canceled throws {@link EngineNotFoundException}
     * and changes nothing.
     */
    void completeJob(long jobKey, Map<String, Object> variables);

    /**
     * Fails a job. With {@code retries > 0} it becomes activatable again after {@code backoff};
     * with {@code retries <= 0} an incident (JOB_NO_RETRIES) is raised.
     *
     * @throws EngineNotFoundException when the job does not exist (any more)
     */
    void failJob(long jobKey, int retries, Duration backoff, String errorMessage);

    /**
     * Throws a BPMN error from a job. Error catch events are outside the supported subset, so
     * this raises an UNHANDLED_ERROR_EVENT incident, as Zeebe does when no catch event matches.
     *
     * @throws EngineNotFoundException when the job does not exist (any more)
     */
    void throwJobError(long jobKey, String errorCode, String errorMessage);

    /**
     * Registers a handler for a job type (service tasks and task listeners alike). Jobs are
     * delivered on the engine's worker threads, outside any engine transaction.
     */
    JobWorkerRegistration registerJobHandler(String jobType, JobWorkerOptions options, JobHandler handler);

    /** Same as {@link #registerJobHandler(String, JobWorkerOptions, JobHandler)} with default options. */
    default JobWorkerRegistration registerJobHandler(String jobType, JobHandler handler) {
        return registerJobHandler(jobType, JobWorkerOptions.defaults(), handler);
    }
}
