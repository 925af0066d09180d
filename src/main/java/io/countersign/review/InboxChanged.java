package io.countersign.review;

import java.util.Set;
import java.util.UUID;

/**
 * Fired inside the transaction that opens, closes or changes an inbox task (live updates observe
 * it AFTER_SUCCESS). {@code groups} and {@code assignee} say who should hear about it.
 */
public record InboxChanged(UUID requestId, long taskKey, String kind, Set<String> groups, String assignee) {
}
