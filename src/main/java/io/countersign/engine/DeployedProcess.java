package io.countersign.engine;

/**
 * One process definition produced (or found unchanged) by a deployment.
 *
 * @param processId the BPMN process id ({@code <bpmn:process id>})
 * @param version the version the engine assigned; an unchanged resource keeps its version
 * @param processDefinitionKey the engine's key of this exact version
 * @param resourceName the deployed file it came from
 * @param checksum SHA-256 hex of the resource bytes
 * @param newVersion true when this deployment created the version, false when it already existed
 */
public record DeployedProcess(String processId, int version, long processDefinitionKey, String resourceName,
        String checksum, boolean newVersion) {
}
