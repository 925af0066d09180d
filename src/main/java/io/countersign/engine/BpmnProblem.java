package io.countersign.engine;

/** One reason a BPMN resource was refused: the element id (or resource name) and why. */
public record BpmnProblem(String resourceName, String elementId, String reason) {

    @Override
    public String toString() {
        return resourceName + ": element '" + elementId + "': " + reason;
    }
}
