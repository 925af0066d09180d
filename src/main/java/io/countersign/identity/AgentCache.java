package io.countersign.identity;

import io.countersign.common.ExpiringMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Enabled agents as recently read from the registry, so that a submission does not re-read its
 * agent's row every time. An entry lives at most {@code countersign.agents.cache-ttl} (default
 * 1 s; 0 turns the cache off). A change made through this replica's registry removes the entry
 * once its transaction ends; a change made on another replica arrives as a PostgreSQL
 * notification ({@link AgentNotifications}) and does the same, and the TTL bounds how long a
 * replica can act on a stale entry if that notification is lost. Unknown and disabled agents are
 * never cached: a refusal always reflects the database.
 */
@ApplicationScoped
public class AgentCache {

    /** Upper bound on entries; past it the cache starts over (agents are few, ids come from verified tokens). */
    static final int MAX_ENTRIES = 10_000;

    private final ExpiringMap<String, RegisteredAgent> entries = new ExpiringMap<>(MAX_ENTRIES);
    /** Bumped by every invalidation, so a read that raced with a change is not cached. */
    private final AtomicLong generation = new AtomicLong();

    @Inject
    AgentRegistryConfig config;

    /** The cached agent {@code id}, or the one {@code load} returns (cached when non-null). */
    public RegisteredAgent get(String id, Supplier<RegisteredAgent> load) {
        long now = System.nanoTime();
        RegisteredAgent cached = entries.get(id, now);
        if (cached != null) {
            return cached;
        }
        long ttl = config.cacheTtl().toNanos();
        long gen = generation.get();
        RegisteredAgent agent = load.get();
        if (agent != null && ttl > 0 && generation.get() == gen) {
            entries.put(id, agent, now + ttl);
        }
        return agent;
    }

    /** Forgets agent {@code id} (changed here or on another replica). */
    public void invalidate(String id) {
        generation.incrementAndGet();
        entries.remove(id);
    }

    /** After the registry change's transaction ends, whether it committed or not. */
    void onChanged(@Observes(during = TransactionPhase.AFTER_COMPLETION) AgentChanged change) {
        invalidate(change.agentId());
    }
}
