package io.countersign.inbox;

import io.countersign.review.InboxChanged;
import io.countersign.review.Views.Reviewer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * Live inbox updates: committed inbox changes of this replica and, on PostgreSQL, of the other
 * replicas ({@link InboxNotifications}), fanned out to each reviewer's SSE stream.
 */
@ApplicationScoped
public class InboxEvents {

    private final BroadcastProcessor<InboxChanged> changes = BroadcastProcessor.create();

    @Inject
    InboxConfig config;

    // Commits on several threads may fire at once; Reactive Streams requires serial onNext calls.
    synchronized void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) InboxChanged change) {
        changes.onNext(change);
    }

    /** A change committed on another replica sharing the PostgreSQL database. */
    synchronized void fromOtherReplica(InboxChanged change) {
        changes.onNext(change);
    }

    /** Changes relevant to {@code who} as SSE data lines, with periodic keep-alives. */
    public Multi<String> stream(Reviewer who) {
        Multi<String> relevant = changes
                .filter(c -> who.userId().equals(c.assignee()) || c.groups().stream().anyMatch(who.groups()::contains))
                .map(c -> c.kind() + " " + c.requestId());
        Multi<String> keepAlive = Multi.createFrom().ticks().every(Duration.ofSeconds(config.keepAliveSeconds()))
                .map(t -> "keep-alive");
        return Multi.createBy().merging().streams(relevant, keepAlive);
    }
}
