package io.countersign.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Looking into and repairing process instances, beside the {@link WorkflowEngine} port: what
 * tests, tools and an operator need (an instance's elements, variables, incidents and open user
 * tasks; fixing data and retrying after an incident). The application itself only reads through
 * it (the reviewer's process diagram: an instance's history and its process's XML). Both
 * adapters implement it next to the port, with the same exceptions: the embedded engine reads
 * its own tables (strongly consistent), the Camunda adapter Camunda's secondary storage
 * (eventually consistent, see docs/camunda.md).
 */
public interface WorkflowInspection {

    /** The instance, or empty when unknown. */
    Optional<ProcessInstanceView> findInstance(long processInstanceKey);

    /**
     * Element instances that have not ended (the process itself excluded), oldest first.
     *
     * @throws EngineNotFoundException when the instance is unknown
     */
    List<ElementInstanceView> activeElements(long processInstanceKey);

    /**
     * The full element-instance history of an instance in activation order, ended ones included.
     *
     * @throws EngineNotFoundException when the instance is unknown
     */
    List<ElementInstanceView> history(long processInstanceKey);

    /**
     * The BPMN XML of a deployed process version (the resource it was deployed from, diagram
     * interchange included), for drawing an instance's process.
     *
     * @param processDefinitionKey {@link ProcessInstanceView#processDefinitionKey()}
     * @throws EngineNotFoundException when no process version has that key
     */
    String processXml(long processDefinitionKey);

    /**
     * The root-scope (process-level) variables of an instance.
     *
     * @throws EngineNotFoundException when the instance is unknown
     */
    Map<String, Object> variables(long processInstanceKey);

    /**
     * Open incidents of an instance.
     *
     * @throws EngineNotFoundException when the instance is unknown
     */
    List<IncidentView> incidents(long processInstanceKey);

    /**
     * Open user tasks of an instance (any state before completion or cancellation).
     *
     * @throws EngineNotFoundException when the instance is unknown
     */
    List<UserTaskView> userTasks(long processInstanceKey);

    // ------------------------------------------------------------------ repair after an incident

    /**
     * Sets variables from an element instance's scope (use the process instance key for the
     * root scope), propagating like job variables: each updates the nearest scope that already
     * has it, else the root. Used, for example, to fix data before resolving an incident.
     *
     * @throws EngineNotFoundException when the element instance is unknown or has ended
     */
    void setVariables(long elementInstanceKey, Map<String, Object> variables);

    /**
     * Sets a job's retries (needed before resolving a JOB_NO_RETRIES incident).
     *
     * @throws EngineNotFoundException when the job does not exist (any more)
     */
    void updateJobRetries(long jobKey, int retries);

    /**
     * Resolves an incident: the failed step is retried (a job incident makes the job
     * activatable again when its retries are above zero; otherwise a new incident is raised,
     * as in Zeebe).
     *
     * @throws EngineNotFoundException when the incident does not exist (any more)
     */
    void resolveIncident(long incidentKey);
}
