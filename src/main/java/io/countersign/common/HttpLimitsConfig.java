package io.countersign.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits of the public HTTP port beyond Quarkus's own {@code quarkus.http.*} keys ({@code countersign.http.*}). */
@ConfigMapping(prefix = "countersign.http")
public interface HttpLimitsConfig {

    /**
     * Longest time from a request's headers to the last byte of its body; a client still sending
     * then gets 408 and its connection is closed, so slow-body clients cannot hold connections.
     */
    @WithDefault("PT15S")
    Duration bodyTimeout();
}
