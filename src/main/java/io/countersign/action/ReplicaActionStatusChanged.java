package io.countersign.action;

import java.util.UUID;

/**
 * Fired on every replica (this one included) after a request's status change committed on any
 * replica sharing the PostgreSQL database. Observers (e.g. inbox live updates) re-read the
 * request: the event carries only its id.
 */
public record ReplicaActionStatusChanged(UUID requestId) {
}
