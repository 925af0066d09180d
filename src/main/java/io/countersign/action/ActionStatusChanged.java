package io.countersign.action;

import java.util.UUID;

/**
 * Fired inside the transaction that creates a request or changes its status. Observers that
 * must not see uncommitted state (long-poll wake-ups, live updates) observe AFTER_SUCCESS.
 */
public record ActionStatusChanged(UUID requestId, String agentId, ActionStatus from, ActionStatus to) {
}
