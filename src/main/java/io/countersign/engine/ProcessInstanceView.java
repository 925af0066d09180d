package io.countersign.engine;

import java.time.OffsetDateTime;

/** Read view of a process instance. {@code endedAt} is null while it is active. */
public record ProcessInstanceView(long processInstanceKey, String bpmnProcessId, int version,
        long processDefinitionKey, ProcessInstanceState state, OffsetDateTime startedAt, OffsetDateTime endedAt,
        boolean hasIncident) {
}
