package io.countersign.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The registry cache on its own: TTL, invalidation, bounded size, and a read that races with a change. */
class AgentCacheTest {

    private static AgentCache cache(Duration ttl) {
        AgentCache c = new AgentCache();
        c.config = new AgentRegistryConfig() {
            @Override
            public int defaultRequestsPerMinute() {
                return 120;
            }

            @Override
            public int defaultMaxPendingReviews() {
                return 20;
            }

            @Override
            public Duration cacheTtl() {
                return ttl;
            }
        };
        return c;
    }

    private static RegisteredAgent agent(String id, int rpm) {
        return new RegisteredAgent(id, "bot", "owner", List.of("payment.transfer"), List.of(), List.of("sandbox"), rpm, 5);
    }

    @Test
    void aLoadedAgentIsServedFromTheCacheUntilInvalidated() {
        AgentCache c = cache(Duration.ofHours(1));
        AtomicInteger loads = new AtomicInteger();
        assertThat(c.get("a", () -> { loads.incrementAndGet(); return agent("a", 1); }).requestsPerMinute()).isEqualTo(1);
        assertThat(c.get("a", () -> { loads.incrementAndGet(); return agent("a", 2); }).requestsPerMinute()).isEqualTo(1);
        assertThat(loads).hasValue(1);

        c.invalidate("a");

        assertThat(c.get("a", () -> { loads.incrementAndGet(); return agent("a", 3); }).requestsPerMinute()).isEqualTo(3);
        assertThat(loads).hasValue(2);
    }

    @Test
    void anExpiredEntryIsReadAgain() throws InterruptedException {
        AgentCache c = cache(Duration.ofMillis(20));
        c.get("a", () -> agent("a", 1));
        Thread.sleep(40);
        assertThat(c.get("a", () -> agent("a", 2)).requestsPerMinute()).isEqualTo(2);
    }

    @Test
    void aZeroTtlTurnsTheCacheOff() {
        AgentCache c = cache(Duration.ZERO);
        c.get("a", () -> agent("a", 1));
        assertThat(c.get("a", () -> agent("a", 2)).requestsPerMinute()).isEqualTo(2);
    }

    @Test
    void refusalsAreNeverCached() {
        AgentCache c = cache(Duration.ofHours(1));
        assertThat(c.get("gone", () -> null)).isNull();
        assertThat(c.get("gone", () -> agent("gone", 7)).requestsPerMinute()).isEqualTo(7);
    }

    @Test
    void aReadThatRacedWithAChangeIsNotCached() {
        AgentCache c = cache(Duration.ofHours(1));
        // The loader read the old row; the change commits (and invalidates) before the read returns.
        RegisteredAgent stale = c.get("a", () -> {
            c.invalidate("a");
            return agent("a", 1);
        });
        assertThat(stale.requestsPerMinute()).isEqualTo(1);
        assertThat(c.get("a", () -> agent("a", 2)).requestsPerMinute()).isEqualTo(2);
    }

    @Test
    void aFullCacheEvictsSingleEntriesNotAllOfThem() {
        AgentCache c = cache(Duration.ofHours(1));
        for (int i = 0; i <= AgentCache.MAX_ENTRIES; i++) {
            String id = "agent-" + i;
            c.get(id, () -> agent(id, 1));
        }
        c.entries.cleanUp();
        assertThat(c.entries.estimatedSize()).isEqualTo(AgentCache.MAX_ENTRIES);
    }
}
