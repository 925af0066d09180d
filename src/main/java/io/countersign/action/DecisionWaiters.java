package io.countersign.action;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Long-poll wake-ups: a waiter parks on a future that completes when a status change of its
 * request COMMITS (observed after the transaction succeeds). No thread is held while waiting.
 */
@ApplicationScoped
public class DecisionWaiters {

    private final ConcurrentHashMap<UUID, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();

    /** Long-polls parked per agent on this replica (countersign.actions.max-long-polls-per-agent). */
    private final ConcurrentHashMap<String, Integer> parkedPerAgent = new ConcurrentHashMap<>();

    @Inject
    MeterRegistry registry;

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("countersign.longpoll.waiting", this, DecisionWaiters::size)
                .description("Long-polls parked on this replica, waiting for a decision").register(registry);
    }

    /**
     * Registers a waiter for {@code requestId}. Register BEFORE reading the current state so a
     * change that commits between the read and the wait cannot be missed.
     */
    public CompletableFuture<Void> register(UUID requestId) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.computeIfAbsent(requestId, k -> ConcurrentHashMap.newKeySet()).add(f);
        return f;
    }

    /** Removes a waiter that timed out or whose client went away. */
    public void unregister(UUID requestId, CompletableFuture<Void> f) {
        waiters.computeIfPresent(requestId, (k, set) -> {
            set.remove(f);
            return set.isEmpty() ? null : set;
        });
    }

    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionStatusChanged change) {
        wake(change.requestId());
    }

    /** Wakes every waiter of {@code requestId} (also called by cross-replica notifications). */
    public void wake(UUID requestId) {
        Set<CompletableFuture<Void>> set = waiters.remove(requestId);
        if (set != null) {
            set.forEach(f -> f.complete(null));
        }
    }

    /** Takes one of {@code agentId}'s {@code max} long-poll slots; false when all are taken. */
    public boolean tryPark(String agentId, int max) {
        boolean[] taken = { false };
        parkedPerAgent.compute(agentId, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    /** Gives back a slot taken by {@link #tryPark}. */
    public void unpark(String agentId) {
        parkedPerAgent.computeIfPresent(agentId, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Number of parked waiters (the gauge {@code countersign_longpoll_waiting}). */
    public int size() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    static Uni<Void> asUni(CompletableFuture<Void> f) {
        return Uni.createFrom().completionStage(f);
    }
}
