package io.countersign.action;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the agent-facing action API. */
@ConfigMapping(prefix = "countersign.actions")
public interface ActionConfig {

    /** Largest accepted submission body in bytes; larger bodies get 413. */
    @WithDefault("262144")
    int maxBodyBytes();

    /** How long Idempotency-Key records are kept (at least 24 hours is promised to agents). */
    @WithDefault("PT48H")
    Duration idempotencyRetention();

    /** Longest accepted {@code wait} of the long-poll GET. */
    @WithDefault("PT60S")
    Duration maxWait();

    /**
     * Most long-polls ({@code GET ...?wait=}) one agent may have waiting at once on one replica;
     * the next gets 429 {@code too-many-long-polls} with Retry-After.
     */
    @WithDefault("20")
    int maxLongPollsPerAgent();

    /** Largest page size of the list endpoint. */
    @WithDefault("200")
    int maxPageSize();
}
