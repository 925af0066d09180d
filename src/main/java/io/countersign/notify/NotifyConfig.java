package io.countersign.notify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Cross-replica notifications over PostgreSQL LISTEN/NOTIFY ({@code countersign.notify.*}). */
@ConfigMapping(prefix = "countersign.notify")
public interface NotifyConfig {

    /** Whether replicas notify each other; only ever active on PostgreSQL. */
    @WithDefault("true")
    boolean enabled();

    /** The NOTIFY channel (one per deployment sharing a database). */
    @WithDefault("countersign_action_status")
    String channel();

    /** Longest wait of the listener between checks for notifications. */
    @WithDefault("500ms")
    Duration listenTimeout();

    /** Pause before the listener reconnects after its connection broke. */
    @WithDefault("2s")
    Duration reconnectDelay();
}
