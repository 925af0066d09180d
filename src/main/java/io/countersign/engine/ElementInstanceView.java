package io.countersign.engine;

import java.time.OffsetDateTime;

/**
 * Read view of one element instance (history entry or active element).
 *
 * @param key element instance key
 * @param elementId BPMN element id (the process id for the process itself)
 * @param elementType BPMN type in Zeebe's naming, e.g. SERVICE_TASK, USER_TASK, MULTI_INSTANCE_BODY
 * @param flowScopeKey key of the enclosing element instance, or -1 for the process itself
 * @param state current state
 * @param startedAt when it was activated
 * @param endedAt when it completed or terminated, else null
 */
public record ElementInstanceView(long key, String elementId, String elementType, long flowScopeKey,
        ElementInstanceState state, OffsetDateTime startedAt, OffsetDateTime endedAt) {
}
