package io.countersign.inbox;

import io.countersign.notify.PostgresNotifications;
import io.countersign.notify.ReplicaNotification;
import io.countersign.review.InboxChanged;
import io.countersign.review.ReviewAccess;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

/**
 * Inbox changes across replicas: a change is sent as an {@link InboxChangePayload} tagged with
 * this replica's id, in the transaction of the change, and a change that arrives from another
 * replica reaches this replica's live-update streams ({@link InboxEvents}); the echo of this
 * replica's own change is dropped (its streams had it when it committed).
 */
@ApplicationScoped
public class InboxNotifications {

    @Inject
    PostgresNotifications notifications;

    @Inject
    InboxEvents events;

    @Inject
    ReviewAccess review;

    /**
     * Sends an inbox change to the other replicas' live-update streams, in the transaction of the
     * change. Only the review path fires it, so auto-approved and denied submissions send nothing.
     */
    void onInboxChanged(@Observes(during = TransactionPhase.IN_PROGRESS) InboxChanged change) {
        if (!notifications.active()) {
            return;
        }
        String payload = InboxChangePayload.encode(notifications.replicaId(), change);
        if (payload == null) {
            Log.warnf("inbox change %s of request %s does not fit a notification; other replicas' reviewers see it on reload",
                    change.kind(), change.requestId());
            return;
        }
        notifications.publish(payload);
    }

    void onNotification(@Observes ReplicaNotification notification) {
        if (notification.after(InboxChangePayload.PREFIX) == null) {
            return;
        }
        InboxChangePayload.Decoded decoded;
        try {
            decoded = InboxChangePayload.decode(notification.payload());
        } catch (IllegalArgumentException e) {
            Log.warnf("ignoring malformed inbox notification: %s", e.getMessage());
            return;
        }
        if (decoded.replicaId().equals(notifications.replicaId())) {
            return; // this replica's own change: its streams had it when it committed
        }
        try {
            InboxChanged sent = decoded.change();
            InboxChanged change = !decoded.groupsOmitted() ? sent : new InboxChanged(sent.requestId(), sent.taskKey(),
                    sent.kind(), QuarkusTransaction.requiringNew().call(() -> review.groupsOf(sent.taskKey())), sent.assignee());
            events.fromOtherReplica(change);
        } catch (RuntimeException e) {
            Log.warnf("delivering inbox notification of request %s failed: %s", decoded.change().requestId(), e.getMessage());
        }
    }
}
