package io.countersign.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Defaults applied when an agent is registered without explicit quotas. */
@ConfigMapping(prefix = "countersign.agents")
public interface AgentRegistryConfig {

    /** Default maximum submissions per agent per rolling minute. */
    @WithDefault("120")
    int defaultRequestsPerMinute();

    /** Default maximum requests of one agent waiting for review at the same time. */
    @WithDefault("20")
    int defaultMaxPendingReviews();
}
