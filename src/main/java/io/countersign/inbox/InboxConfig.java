package io.countersign.inbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the reviewer web inbox ({@code countersign.inbox.*}). Its session cookies are
 * the shared web session's ({@code countersign.web.*}, io.countersign.web.WebConfig).
 */
@ConfigMapping(prefix = "countersign.inbox")
public interface InboxConfig {

    /** Tasks per inbox page. */
    @WithDefault("25")
    int pageSize();

    /** Seconds between SSE keep-alive events on the live-update stream. */
    @WithDefault("20")
    int keepAliveSeconds();
}
