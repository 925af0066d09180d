package io.countersign.action;

import java.time.OffsetDateTime;

/** Filters and page position of the list endpoint. */
public record ActionQuery(ActionStatus status, String type, OffsetDateTime from, OffsetDateTime to, String cursor,
        int limit) {
}
