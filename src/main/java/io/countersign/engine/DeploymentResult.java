package io.countersign.engine;

import java.util.List;

/** Outcome of a successful deployment: one entry per process in the deployed resources. */
public record DeploymentResult(long deploymentKey, List<DeployedProcess> processes) {

    public DeploymentResult {
        processes = List.copyOf(processes);
    }

    /** The entry for a BPMN process id, or an {@link IllegalArgumentException} when absent. */
    public DeployedProcess process(String processId) {
        return processes.stream().filter(p -> p.processId().equals(processId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no process " + processId + " in deployment"));
    }
}
