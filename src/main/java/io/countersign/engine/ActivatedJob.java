package io.countersign.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job handed to a {@link JobHandler}: a service-task job or a task-listener job. The same
 * shape as Camunda 8's {@code ActivatedJob}, so one handler serves both engines.
 *
 * @param key job key, used to complete or fail the job
 * @param type job type ({@code zeebe:taskDefinition type} or {@code zeebe:taskListener type})
 * @param kind service-task job or task-listener job
 * @param listenerEventType for task-listener jobs, the lifecycle event; null otherwise
 * @param processInstanceKey the instance
 * @param bpmnProcessId the process id
 * @param processDefinitionVersion the version the instance runs on
 * @param elementId the BPMN element that created the job
 * @param elementInstanceKey the element instance that created the job
 * @param variables all variables visible from the element's scope at activation
 * @param retries remaining retries
 * @param customHeaders {@code zeebe:taskHeaders} of the element (listener jobs: of the user task)
 * @param userTask for task-listener jobs, the user task's data; null otherwise
 * @param deadline epoch millis after which the job is re-delivered if not completed or failed
 */
public record ActivatedJob(long key, String type, JobKind kind, ListenerEventType listenerEventType,
        long processInstanceKey, String bpmnProcessId, int processDefinitionVersion, String elementId,
        long elementInstanceKey, Map<String, Object> variables, int retries, Map<String, String> customHeaders,
        UserTaskProperties userTask, long deadline) {

    public ActivatedJob {
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        customHeaders = Map.copyOf(customHeaders);
    }
}
