package io.countersign.action;

import io.countersign.common.Actor;
import java.util.Map;
import java.util.UUID;

/**
 * Fired inside the transaction that creates a request ({@code from == null}) or changes its
 * status. Synchronous observers join that transaction (the audit trail writes its event
 * there); side effects that must only follow a commit (long-poll wake-ups, live updates)
 * observe AFTER_SUCCESS.
 *
 * @param details facts worth keeping in the decision trail (digest, policy rule, reason, ...)
 */
public record ActionStatusChanged(UUID requestId, String agentId, ActionStatus from, ActionStatus to, Actor actor,
        Map<String, Object> details) {
}
