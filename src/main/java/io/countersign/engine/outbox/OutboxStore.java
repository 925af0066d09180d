package io.countersign.engine.outbox;

import io.countersign.common.delivery.DeliveryStatus;
import io.countersign.common.delivery.DeliveryTable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** The {@code outbox_command} table: engine commands, read back as {@link OutboxEntry}. */
@ApplicationScoped
class OutboxStore extends DeliveryTable {

    OutboxStore() {
        super("outbox_command");
    }

    long insert(String dedupKey, String orderingKey, OutboxCommandType type, String payload) {
        return insert(dedupKey, orderingKey, type.name(), payload);
    }

    /** Rows, newest first, optionally of one status. */
    List<OutboxEntry> list(DeliveryStatus status, int limit) {
        return rows(status, limit).stream().map(OutboxStore::entry).toList();
    }

    /** One row, or empty. */
    Optional<OutboxEntry> find(long id) {
        return row(id).map(OutboxStore::entry);
    }

    private static OutboxEntry entry(Row r) {
        OutboxCommandType type = OutboxCommandType.valueOf(r.type());
        return new OutboxEntry(r.id(), r.dedupKey(), r.orderingKey(), type, OutboxPayloads.target(type, r.payload()),
                r.status(), r.attempts(), r.nextAttemptAt(), r.lastError(), r.resultKey(), r.outcome(), r.createdAt(),
                r.deliveredAt());
    }
}
