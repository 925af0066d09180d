package io.countersign.inbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

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

    /**
     * After a decision that settles the review (a rejection, a request for changes, the last
     * approval needed), how long the decision's POST waits for the process to move the request
     * on, so that the page it leads to shows the new status; past it the page says the outcome is
     * being settled and reloads itself.
     */
    @WithDefault("3s")
    Duration outcomeWait();
}
