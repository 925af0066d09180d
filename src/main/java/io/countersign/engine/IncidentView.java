package io.countersign.engine;

import java.time.OffsetDateTime;

/**
 * An open incident.
 *
 * @param key incident key for {@link WorkflowInspection#resolveIncident}
 * @param errorType Zeebe's error type, e.g. JOB_NO_RETRIES, EXTRACT_VALUE_ERROR, CONDITION_ERROR,
 *     IO_MAPPING_ERROR, UNHANDLED_ERROR_EVENT
 * @param jobKey the failed job, or -1
 */
public record IncidentView(long key, long processInstanceKey, long elementInstanceKey, String elementId,
        String errorType, String errorMessage, long jobKey, OffsetDateTime createdAt) {
}
