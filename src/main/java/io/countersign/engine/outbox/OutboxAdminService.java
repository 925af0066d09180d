package io.countersign.engine.outbox;

import io.countersign.common.delivery.DeliveryStatus;
import io.countersign.common.DomainException;
import io.countersign.common.DomainException.Kind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/**
 * Admin operations on the outbox: inspect rows, retry parked ones. Its failures are domain
 * exceptions (not found, conflict, rejected); the problem+json mapper gives them their status.
 */
@ApplicationScoped
public class OutboxAdminService {

    /** Counts per status plus the listed rows. */
    public record OutboxOverview(Map<DeliveryStatus, Long> counts, List<OutboxEntry> entries) {
    }

    /** How many parked rows a bulk retry put back. */
    public record RetryResult(int retried) {
    }

    @Inject
    OutboxStore store;

    @Inject
    OutboxRelay relay;

    /** Rows of a status (default PARKED), newest first. */
    public OutboxOverview overview(DeliveryStatus status, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new DomainException(Kind.REJECTED, "invalid-limit", "Bad request", "limit must be between 1 and 1000");
        }
        return new OutboxOverview(store.counts(), store.list(status, limit));
    }

    /** Puts one parked row back in the queue with a fresh attempt budget. */
    public OutboxEntry retry(long id) {
        OutboxEntry entry = store.find(id).orElseThrow(
                () -> new DomainException(Kind.NOT_FOUND, "not-found", "Not found", "no outbox entry " + id));
        if (!store.retryParked(id)) {
            throw new DomainException(Kind.CONFLICT, "outbox-not-parked", "Conflict",
                    "outbox entry " + id + " is " + entry.status() + ", only PARKED entries can be retried");
        }
        // Read the entry as the retry left it before waking the relay, which may deliver it at once.
        OutboxEntry retried = store.find(id).orElseThrow();
        relay.wake();
        return retried;
    }

    /** Puts every parked row back in the queue. */
    public RetryResult retryAllParked() {
        int retried = store.retryAllParked();
        relay.wake();
        return new RetryResult(retried);
    }
}
