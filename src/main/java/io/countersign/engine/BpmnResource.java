package io.countersign.engine;

import java.util.Objects;

/** One BPMN file to deploy: its resource name (shown in errors and history) and its bytes. */
public record BpmnResource(String name, byte[] content) {

    public BpmnResource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
    }
}
