package io.countersign.engine.outbox;

import io.countersign.common.delivery.DeliveryStatus;
import java.time.OffsetDateTime;

/**
 * Read view of one outbox row (the command's variables are not shown: they may carry payloads).
 *
 * @param target what the command addresses, e.g. the process id, message name or key
 * @param resultKey the engine key the delivery returned (instance key, message key), else null
 * @param outcome how delivery ended, e.g. "delivered" or "already applied: duplicate message id"
 */
public record OutboxEntry(long id, String dedupKey, String orderingKey, OutboxCommandType type, String target,
        DeliveryStatus status, int attempts, OffsetDateTime nextAttemptAt, String lastError, Long resultKey,
        String outcome, OffsetDateTime createdAt, OffsetDateTime deliveredAt) {
}
