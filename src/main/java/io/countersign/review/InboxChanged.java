package io.countersign.review;

import java.util.Set;
import java.util.UUID;

/**
 * Fired inside the transaction that opens, closes or changes an inbox task (live updates observe
 * it AFTER_SUCCESS). {@code groups} and {@code assignee} say who should hear about it.
 */
public record InboxChanged(UUID requestId, long taskKey, String kind, Set<String> groups, String assignee) {

    /** Every kind the review services fire (the live-update line is {@code <kind> <requestId>}). */
    public static final Set<String> KINDS = Set.of("created", "closed", "escalated", "decided", "assigned");

    public InboxChanged {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown inbox change kind " + kind);
        }
        groups = Set.copyOf(groups);
    }
}
