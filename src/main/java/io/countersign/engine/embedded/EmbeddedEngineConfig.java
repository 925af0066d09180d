package io.countersign.engine.embedded;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the embedded engine's job and timer loops ({@code countersign.engine.embedded.*}). */
@ConfigMapping(prefix = "countersign.engine.embedded")
public interface EmbeddedEngineConfig {

    /** Threads that run job handlers (outside engine transactions). */
    @WithDefault("4")
    int workerThreads();

    /** Longest wait of the job and timer loops when nothing wakes them (fallback poll). */
    @WithDefault("1s")
    Duration pollInterval();

    /** Jobs claimed per type and poll. */
    @WithDefault("32")
    int activationBatch();

    /** Whether this process runs the job and timer loops (turn off for read-only replicas). */
    @WithDefault("true")
    boolean loopsEnabled();
}
