package io.countersign.notify;

import io.countersign.review.InboxChanged;

/**
 * An inbox change committed on another replica sharing the PostgreSQL database, fired on this
 * replica only (its own changes reach its live-update streams through {@link InboxChanged} itself).
 */
public record ReplicaInboxChanged(InboxChanged change) {
}
