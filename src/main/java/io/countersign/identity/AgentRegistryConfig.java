package io.countersign.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Defaults applied when an agent is registered without explicit quotas. */
@ConfigMapping(prefix = "countersign.agents")
public interface AgentRegistryConfig {

    /** Default maximum submissions per agent per rolling minute. */
    @WithDefault("120")
    int defaultRequestsPerMinute();

    /** Default maximum requests of one agent waiting for review at the same time. */
    @WithDefault("20")
    int defaultMaxPendingReviews();

    /**
     * How long a replica may use an agent's registry entry without re-reading it (0 = always
     * read). Changes through the admin API take effect at once on every replica; the TTL only
     * bounds staleness when a cross-replica notification is lost.
     */
    @WithDefault("PT1S")
    Duration cacheTtl();
}
