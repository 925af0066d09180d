package io.countersign.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
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

    /**
     * Upper bound on entries (agents are few, ids come from verified tokens); past it Caffeine
     * evicts single entries, those least likely to be read again, never the whole cache.
     */
    static final int MAX_ENTRIES = 10_000;

    @Inject
    AgentRegistryConfig config;

    /** Agent id to agent, each entry for {@code cache-ttl} from when it is stored. */
    final Cache<String, RegisteredAgent> entries = Caffeine.newBuilder().maximumSize(MAX_ENTRIES)
            .expireAfter(Expiry.writing((String id, RegisteredAgent agent) -> config.cacheTtl())).build();
    /** Bumped by every invalidation, so a read that raced with a change is not cached. */
    private final AtomicLong generation = new AtomicLong();

    /** The cached agent {@code id}, or the one {@code load} returns (cached when non-null). */
    public RegisteredAgent get(String id, Supplier<RegisteredAgent> load) {
        RegisteredAgent cached = entries.getIfPresent(id);
        if (cached != null) {
            return cached;
        }
        long gen = generation.get();
        RegisteredAgent agent = load.get();
        if (agent != null && config.cacheTtl().toNanos() > 0 && generation.get() == gen) {
            entries.put(id, agent);
        }
        return agent;
    }

    /** Forgets agent {@code id} (changed here or on another replica). */
    public void invalidate(String id) {
        generation.incrementAndGet();
        entries.invalidate(id);
    }

    /** After the registry change's transaction ends, whether it committed or not. */
    void onChanged(@Observes(during = TransactionPhase.AFTER_COMPLETION) AgentChanged change) {
        invalidate(change.agentId());
    }
}
