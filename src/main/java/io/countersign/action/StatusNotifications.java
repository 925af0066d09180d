package io.countersign.action;

import io.countersign.notify.PostgresNotifications;
import io.countersign.notify.ReplicaNotification;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.UUID;

/**
 * Request status changes across replicas: a change sends the request id (the whole payload) in
 * its transaction; a request id that arrives from any replica wakes this replica's long-poll
 * waiters of that request and is fired as a {@link ReplicaActionStatusChanged}.
 */
@ApplicationScoped
public class StatusNotifications {

    @Inject
    PostgresNotifications notifications;

    @Inject
    DecisionWaiters waiters;

    @Inject
    Event<ReplicaActionStatusChanged> replicaEvents;

    /**
     * Sends the NOTIFY in the transaction of the change (synchronous observer, IN_PROGRESS).
     * A request that is being created ({@code from == null}) is skipped: nobody can wait for an
     * id that has not been returned yet, and the inbox learns about review tasks from the
     * engine, not from this event. That keeps the NOTIFY off the fast path.
     */
    void onStatusChanged(@Observes(during = TransactionPhase.IN_PROGRESS) ActionStatusChanged change) {
        if (change.from() != null) {
            notifications.publish(change.requestId().toString());
        }
    }

    void onNotification(@Observes ReplicaNotification notification) {
        UUID requestId;
        try {
            requestId = UUID.fromString(notification.payload());
        } catch (IllegalArgumentException notARequestId) {
            return; // another feature's notification
        }
        waiters.wake(requestId);
        try {
            replicaEvents.fire(new ReplicaActionStatusChanged(requestId));
        } catch (RuntimeException e) {
            Log.warnf("observer of ReplicaActionStatusChanged failed: %s", e.getMessage());
        }
    }
}
