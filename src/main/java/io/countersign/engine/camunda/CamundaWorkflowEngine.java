package io.countersign.engine.camunda;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.CreateProcessInstanceCommandStep1.CreateProcessInstanceCommandStep3;
import io.camunda.client.api.command.DeployResourceCommandStep1;
import io.camunda.client.api.command.DeployResourceCommandStep1.DeployResourceCommandStep2;
import io.camunda.client.api.response.DeploymentEvent;
import io.camunda.client.api.response.Process;
import io.camunda.client.api.search.enums.IncidentState;
import io.camunda.client.api.search.enums.UserTaskState;
import io.camunda.client.api.search.response.ElementInstance;
import io.camunda.client.api.search.response.Incident;
import io.camunda.client.api.search.response.ProcessInstance;
import io.camunda.client.api.search.response.UserTask;
import io.camunda.client.api.search.response.Variable;
import io.camunda.client.api.worker.JobWorker;
import io.countersign.common.DomainException;
import io.countersign.common.json.Jcs;
import io.countersign.engine.ActivatedJob;
import io.countersign.engine.BpmnProblem;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.DeployedProcess;
import io.countersign.engine.DeploymentRejectedException;
import io.countersign.engine.DeploymentResult;
import io.countersign.engine.ElementInstanceState;
import io.countersign.engine.ElementInstanceView;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.IncidentView;
import io.countersign.engine.JobHandler;
import io.countersign.engine.JobKind;
import io.countersign.engine.JobResult;
import io.countersign.engine.JobWorkerOptions;
import io.countersign.engine.JobWorkerRegistration;
import io.countersign.engine.ListenerEventType;
import io.countersign.engine.ProcessInstanceState;
import io.countersign.engine.ProcessInstanceView;
import io.countersign.engine.UserTaskProperties;
import io.countersign.engine.UserTaskView;
import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.WorkflowInspection;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@link WorkflowEngine} and {@link WorkflowInspection} on a Camunda 8 cluster through
 * {@code camunda-client-java}. Commands go over gRPC (or REST with
 * {@code countersign.camunda.prefer-rest}); user-task commands and all queries use the REST API. Queries read Camunda's secondary storage, which is eventually
 * consistent: a command's effect may show up there a moment later (see docs/camunda.md).
 *
 * <p>Not a CDI bean itself: {@link CamundaEngineProducer} creates it when {@code countersign.engine=camunda}.
 */
public class CamundaWorkflowEngine implements WorkflowEngine, WorkflowInspection, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUERY_LIMIT = 1000;
    /** Zeebe's default job retries: the reference for the failure backoff's exponent. */
    private static final int DEFAULT_RETRIES = 3;

    private final CamundaClientProvider clients;
    private final CamundaConfig config;
    private final List<JobWorker> workers = new ArrayList<>();

    public CamundaWorkflowEngine(CamundaClientProvider clients, CamundaConfig config) {
        this.clients = Objects.requireNonNull(clients);
        this.config = Objects.requireNonNull(config);
    }

    private CamundaClient client() {
        return clients.get();
    }

    private <T> T call(String what, Supplier<T> command) {
        try {
            return command.get();
        } catch (RuntimeException e) {
            throw CamundaErrors.translate(e, what);
        }
    }

    @Override
    public DeploymentResult deploy(List<BpmnResource> resources) {
        Objects.requireNonNull(resources, "resources");
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("nothing to deploy");
        }
        DeployResourceCommandStep1 start = client().newDeployResourceCommand();
        DeployResourceCommandStep2 step = null;
        for (BpmnResource resource : resources) {
            step = step == null ? start.addResourceBytes(resource.content(), resource.name())
                    : step.addResourceBytes(resource.content(), resource.name());
        }
        DeployResourceCommandStep2 command = step;
        config.tenantId().ifPresent(command::tenantId);
        DeploymentEvent event;
        try {
            event = command.send().join();
        } catch (RuntimeException e) {
            RuntimeException translated = CamundaErrors.translate(e, "deploy " + names(resources));
            if (translated instanceof DomainException refused && refused.kind() == DomainException.Kind.REJECTED) {
                // Zeebe names the offending element in its message; keep it whole.
                throw new DeploymentRejectedException(List.of(new BpmnProblem(names(resources), "-",
                        translated.getMessage())));
            }
            throw translated;
        }
        Map<String, String> checksums = new LinkedHashMap<>();
        resources.forEach(r -> checksums.put(r.name(), Jcs.sha256Hex(r.content())));
        List<DeployedProcess> processes = new ArrayList<>();
        for (Process process : event.getProcesses()) {
            // Zeebe hands back the existing definition for an unchanged resource; its key was
            // generated before this deployment's key, a new definition's after it.
            boolean newVersion = process.getProcessDefinitionKey() > event.getKey();
            processes.add(new DeployedProcess(process.getBpmnProcessId(), process.getVersion(),
                    process.getProcessDefinitionKey(), process.getResourceName(),
                    checksums.getOrDefault(process.getResourceName(), ""), newVersion));
        }
        return new DeploymentResult(event.getKey(), processes);
    }

    private static String names(List<BpmnResource> resources) {
        return String.join(",", resources.stream().map(BpmnResource::name).toList());
    }

    @Override
    public long startInstance(String bpmnProcessId, Map<String, Object> variables) {
        return start(bpmnProcessId, null, variables);
    }

    @Override
    public long startInstance(String bpmnProcessId, int version, Map<String, Object> variables) {
        return start(bpmnProcessId, version, variables);
    }

    private long start(String bpmnProcessId, Integer version, Map<String, Object> variables) {
        Objects.requireNonNull(bpmnProcessId, "bpmnProcessId");
        var step2 = client().newCreateInstanceCommand().bpmnProcessId(bpmnProcessId);
        CreateProcessInstanceCommandStep3 command = version == null ? step2.latestVersion() : step2.version(version);
        command = command.variables(variables == null ? Map.of() : variables);
        Object businessId = variables == null ? null : variables.get(config.businessIdVariable());
        if (businessId instanceof String id && !id.isBlank()) {
            command = command.businessId(id);
        }
        config.tenantId().ifPresent(command::tenantId);
        CreateProcessInstanceCommandStep3 ready = command;
        return call("start " + bpmnProcessId + (version == null ? "" : " v" + version),
                () -> ready.send().join().getProcessInstanceKey());
    }

    @Override
    public void cancelInstance(long processInstanceKey) {
        call("cancel instance " + processInstanceKey,
                () -> client().newCancelInstanceCommand(processInstanceKey).send().join());
    }

    @Override
    public void completeUserTask(long userTaskKey, Map<String, Object> variables) {
        call("complete user task " + userTaskKey, () -> client().newCompleteUserTaskCommand(userTaskKey)
                .variables(variables == null ? Map.of() : variables).send().join());
    }

    @Override
    public void assignUserTask(long userTaskKey, String assignee) {
        if (assignee == null) {
            call("unassign user task " + userTaskKey,
                    () -> client().newUnassignUserTaskCommand(userTaskKey).send().join());
        } else {
            call("assign user task " + userTaskKey, () -> client().newAssignUserTaskCommand(userTaskKey)
                    .assignee(assignee).allowOverride(true).send().join());
        }
    }

    @Override
    public void updateUserTaskCandidateGroups(long userTaskKey, List<String> candidateGroups) {
        call("update candidate groups of user task " + userTaskKey, () -> client().newUpdateUserTaskCommand(userTaskKey)
                .candidateGroups(List.copyOf(candidateGroups)).send().join());
    }

    @Override
    public long publishMessage(String name, String correlationKey, Duration timeToLive, String messageId,
            Map<String, Object> variables) {
        var command = client().newPublishMessageCommand().messageName(name)
                .correlationKey(correlationKey == null ? "" : correlationKey)
                .timeToLive(timeToLive == null ? Duration.ZERO : timeToLive)
                .variables(variables == null ? Map.of() : variables);
        if (messageId != null) {
            command = command.messageId(messageId);
        }
        config.tenantId().ifPresent(command::tenantId);
        var ready = command;
        return call("publish message " + name + " (" + correlationKey + ")",
                () -> ready.send().join().getMessageKey());
    }

    @Override
    public void setVariables(long elementInstanceKey, Map<String, Object> variables) {
        call("set variables on " + elementInstanceKey, () -> client().newSetVariablesCommand(elementInstanceKey)
                .variables(variables).local(false).send().join());
    }

    @Override
    public void completeJob(long jobKey, Map<String, Object> variables) {
        call("complete job " + jobKey, () -> client().newCompleteCommand(jobKey)
                .variables(variables == null ? Map.of() : variables).send().join());
    }

    @Override
    public void failJob(long jobKey, int retries, Duration backoff, String errorMessage) {
        call("fail job " + jobKey, () -> client().newFailCommand(jobKey).retries(retries)
                .retryBackoff(backoff == null ? Duration.ZERO : backoff)
                .errorMessage(errorMessage == null ? "" : errorMessage).send().join());
    }

    @Override
    public void throwJobError(long jobKey, String errorCode, String errorMessage) {
        call("throw error from job " + jobKey, () -> client().newThrowErrorCommand(jobKey).errorCode(errorCode)
                .errorMessage(errorMessage == null ? "" : errorMessage).send().join());
    }

    @Override
    public void updateJobRetries(long jobKey, int retries) {
        call("update retries of job " + jobKey,
                () -> client().newUpdateRetriesCommand(jobKey).retries(retries).send().join());
    }

    @Override
    public JobWorkerRegistration registerJobHandler(String jobType, JobWorkerOptions options, JobHandler handler) {
        Objects.requireNonNull(jobType, "jobType");
        Objects.requireNonNull(handler, "handler");
        JobWorkerOptions effective = options == null ? JobWorkerOptions.defaults() : options;
        JobWorker worker = client().newWorker().jobType(jobType)
                .handler((jobClient, job) -> dispatch(job, handler))
                .name(config.worker().name())
                .timeout(effective.timeout())
                .maxJobsActive(effective.maxJobsActive())
                .pollInterval(config.worker().pollInterval())
                .streamEnabled(config.worker().streamEnabled())
                .open();
        synchronized (workers) {
            workers.add(worker);
        }
        Log.infof("Camunda job worker opened for type %s", jobType);
        return new JobWorkerRegistration() {
            @Override
            public String jobType() {
                return jobType;
            }

            @Override
            public void close() {
                worker.close();
                synchronized (workers) {
                    workers.remove(worker);
                }
            }
        };
    }

    /**
     * Runs the handler and settles the job. Never throws: the client's own exception handler
     * would fail the job without a useful message or backoff.
     */
    void dispatch(io.camunda.client.api.response.ActivatedJob job, JobHandler handler) {
        JobResult result;
        try {
            result = handler.handle(toPortJob(job));
        } catch (Exception | LinkageError e) {
            int retries = Math.max(0, job.getRetries() - 1);
            String message = failureMessage(job, e);
            Log.warnf("job %d (%s) failed, %d retries left: %s", job.getKey(), job.getType(), retries, message);
            settle(job, new JobResult.Fail(retries, backoff(retries), message));
            return;
        }
        settle(job, result == null ? JobResult.complete() : result);
    }

    private void settle(io.camunda.client.api.response.ActivatedJob job, JobResult result) {
        try {
            if (result instanceof JobResult.Complete complete) {
                completeJob(job.getKey(), complete.variables());
            } else if (result instanceof JobResult.Fail fail) {
                failJob(job.getKey(), fail.retries(), fail.backoff(), fail.errorMessage());
            } else if (result instanceof JobResult.BpmnError error) {
                throwJobError(job.getKey(), error.errorCode(), error.errorMessage());
            }
            // JobResult.Handled: the handler settled the job itself.
        } catch (EngineNotFoundException gone) {
            // At-least-once delivery: the job timed out and was completed elsewhere, or its
            // element was terminated. Nothing is left to settle.
            Log.debugf("job %d already settled or canceled: %s", job.getKey(), gone.getMessage());
        } catch (RuntimeException e) {
            // The job stays locked until its timeout and is then re-delivered.
            Log.warnf("could not settle job %d (%s): %s", job.getKey(), job.getType(), e.getMessage());
        }
    }

    private static String failureMessage(io.camunda.client.api.response.ActivatedJob job, Throwable e) {
        String text = "handler for job type '" + job.getType() + "' at element '" + job.getElementId() + "' failed: "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }

    /** Exponential backoff: base, 2x base, 4x base ... as retries are used up, capped. */
    Duration backoff(int retriesLeft) {
        int used = Math.max(0, DEFAULT_RETRIES - 1 - retriesLeft);
        Duration base = config.worker().failureBackoff();
        Duration max = config.worker().maxFailureBackoff();
        Duration delay = base.multipliedBy(1L << Math.min(used, 20));
        return delay.compareTo(max) > 0 ? max : delay;
    }

    static ActivatedJob toPortJob(io.camunda.client.api.response.ActivatedJob job) {
        JobKind kind = job.getKind() != null && "TASK_LISTENER".equals(job.getKind().name())
                ? JobKind.TASK_LISTENER : JobKind.BPMN_ELEMENT;
        ListenerEventType event = null;
        if (kind == JobKind.TASK_LISTENER && job.getListenerEventType() != null) {
            try {
                event = ListenerEventType.valueOf(job.getListenerEventType().name());
            } catch (IllegalArgumentException unknown) {
                event = null;
            }
        }
        UserTaskProperties userTask = null;
        var task = job.getUserTask();
        if (kind == JobKind.TASK_LISTENER && task != null && task.getUserTaskKey() != null) {
            userTask = new UserTaskProperties(task.getUserTaskKey(), job.getElementId(), job.getProcessInstanceKey(),
                    blankToNull(task.getAssignee()), nonNull(task.getCandidateGroups()),
                    nonNull(task.getCandidateUsers()), task.getDueDate());
        }
        return new ActivatedJob(job.getKey(), job.getType(), kind, event, job.getProcessInstanceKey(),
                job.getBpmnProcessId(), job.getProcessDefinitionVersion(), job.getElementId(),
                job.getElementInstanceKey(), job.getVariablesAsMap() == null ? Map.of() : job.getVariablesAsMap(),
                job.getRetries(), job.getCustomHeaders() == null ? Map.of() : job.getCustomHeaders(), userTask,
                job.getDeadline());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static List<String> nonNull(List<String> values) {
        return values == null ? List.of() : values;
    }

    @Override
    public void resolveIncident(long incidentKey) {
        call("resolve incident " + incidentKey, () -> client().newResolveIncidentCommand(incidentKey).send().join());
    }

    @Override
    public Optional<ProcessInstanceView> findInstance(long processInstanceKey) {
        try {
            ProcessInstance instance = call("get process instance " + processInstanceKey,
                    () -> client().newProcessInstanceGetRequest(processInstanceKey).send().join());
            return Optional.of(toView(instance));
        } catch (EngineNotFoundException notFound) {
            return Optional.empty();
        }
    }

    private ProcessInstanceView requireInstance(long processInstanceKey) {
        return findInstance(processInstanceKey).orElseThrow(() -> new EngineNotFoundException(
                "process instance " + processInstanceKey + " not found (Camunda's search may lag a new instance)"));
    }

    private static ProcessInstanceView toView(ProcessInstance instance) {
        ProcessInstanceState state = switch (instance.getState() == null ? "ACTIVE" : instance.getState().name()) {
            case "COMPLETED" -> ProcessInstanceState.COMPLETED;
            case "TERMINATED" -> ProcessInstanceState.TERMINATED;
            default -> ProcessInstanceState.ACTIVE;
        };
        return new ProcessInstanceView(instance.getProcessInstanceKey(), instance.getProcessDefinitionId(),
                instance.getProcessDefinitionVersion() == null ? 0 : instance.getProcessDefinitionVersion(),
                instance.getProcessDefinitionKey() == null ? -1 : instance.getProcessDefinitionKey(), state,
                instance.getStartDate(), instance.getEndDate(), Boolean.TRUE.equals(instance.getHasIncident()));
    }

    @Override
    public List<ElementInstanceView> activeElements(long processInstanceKey) {
        return history(processInstanceKey).stream().filter(e -> !e.state().ended()).toList();
    }

    @Override
    public List<ElementInstanceView> history(long processInstanceKey) {
        requireInstance(processInstanceKey);
        List<ElementInstance> items = call("search element instances of " + processInstanceKey,
                () -> client().newElementInstanceSearchRequest()
                        .filter(f -> f.processInstanceKey(processInstanceKey))
                        .page(p -> p.limit(QUERY_LIMIT)).send().join().items());
        return items.stream()
                .filter(e -> e.getType() == null || !"PROCESS".equals(e.getType().name()))
                .map(e -> new ElementInstanceView(e.getElementInstanceKey(), e.getElementId(),
                        e.getType() == null ? "UNSPECIFIED" : e.getType().name(), processInstanceKey,
                        elementState(e), e.getStartDate(), e.getEndDate()))
                .sorted(Comparator.comparingLong(ElementInstanceView::key))
                .toList();
    }

    private static ElementInstanceState elementState(ElementInstance element) {
        String state = element.getState() == null ? "ACTIVE" : element.getState().name();
        return switch (state) {
            case "COMPLETED" -> ElementInstanceState.COMPLETED;
            case "TERMINATED" -> ElementInstanceState.TERMINATED;
            default -> ElementInstanceState.ACTIVATED;
        };
    }

    @Override
    public String processXml(long processDefinitionKey) {
        return call("get the XML of process " + processDefinitionKey,
                () -> client().newProcessDefinitionGetXmlRequest(processDefinitionKey).send().join());
    }

    @Override
    public Map<String, Object> variables(long processInstanceKey) {
        requireInstance(processInstanceKey);
        List<Variable> items = call("search variables of " + processInstanceKey,
                () -> client().newVariableSearchRequest()
                        .filter(f -> f.processInstanceKey(processInstanceKey).scopeKey(processInstanceKey))
                        .page(p -> p.limit(QUERY_LIMIT)).send().join().items());
        Map<String, Object> result = new LinkedHashMap<>();
        for (Variable variable : items) {
            String json = variable.getValue();
            if (Boolean.TRUE.equals(variable.isTruncated())) {
                json = call("get variable " + variable.getVariableKey(),
                        () -> client().newVariableGetRequest(variable.getVariableKey()).send().join().getValue());
            }
            result.put(variable.getName(), parse(json));
        }
        return result;
    }

    private static Object parse(String json) {
        try {
            return json == null ? null : JSON.readValue(json, new TypeReference<Object>() {
            });
        } catch (IOException e) {
            throw new IllegalStateException("Camunda returned a variable that is not JSON", e);
        }
    }

    @Override
    public List<IncidentView> incidents(long processInstanceKey) {
        requireInstance(processInstanceKey);
        List<Incident> items = call("search incidents of " + processInstanceKey,
                () -> client().newIncidentSearchRequest()
                        .filter(f -> f.processInstanceKey(processInstanceKey).state(IncidentState.ACTIVE))
                        .page(p -> p.limit(QUERY_LIMIT)).send().join().items());
        return items.stream().map(i -> new IncidentView(i.getIncidentKey(), processInstanceKey,
                i.getElementInstanceKey() == null ? -1 : i.getElementInstanceKey(), i.getElementId(),
                i.getErrorType() == null ? "UNKNOWN" : i.getErrorType().name(), i.getErrorMessage(),
                i.getJobKey() == null ? -1 : i.getJobKey(), i.getCreationTime())).toList();
    }

    private static final Set<String> CLOSED_TASK_STATES = Set.of(UserTaskState.COMPLETED.name(),
            UserTaskState.CANCELED.name(), UserTaskState.FAILED.name());

    @Override
    public List<UserTaskView> userTasks(long processInstanceKey) {
        requireInstance(processInstanceKey);
        List<UserTask> items = call("search user tasks of " + processInstanceKey,
                () -> client().newUserTaskSearchRequest()
                        .filter(f -> f.processInstanceKey(processInstanceKey))
                        .page(p -> p.limit(QUERY_LIMIT)).send().join().items());
        return items.stream()
                .filter(t -> t.getState() == null || !CLOSED_TASK_STATES.contains(t.getState().name()))
                .map(t -> new UserTaskView(t.getUserTaskKey(), processInstanceKey,
                        t.getElementInstanceKey() == null ? -1 : t.getElementInstanceKey(), t.getElementId(),
                        t.getState() == null ? "CREATED" : t.getState().name(), blankToNull(t.getAssignee()),
                        nonNull(t.getCandidateGroups()), nonNull(t.getCandidateUsers()), t.getDueDate()))
                .sorted(Comparator.comparingLong(UserTaskView::userTaskKey))
                .toList();
    }

    /** Stops every job worker and releases the client. */
    @Override
    public void close() {
        synchronized (workers) {
            workers.forEach(JobWorker::close);
            workers.clear();
        }
        clients.close();
    }
}
