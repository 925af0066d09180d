package io.countersign.engine.outbox;

import io.countersign.common.delivery.DeliverySettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the engine-command outbox relay ({@code countersign.outbox.*}). */
@ConfigMapping(prefix = "countersign.outbox")
public interface OutboxConfig extends DeliverySettings {

    /** Whether this replica runs the relay (every replica may: rows are claimed atomically). */
    @WithDefault("true")
    boolean relayEnabled();

    /** Longest pause of the relay when no commit wakes it (fallback poll, also picks up other replicas' rows). */
    @WithDefault("1s")
    @Override
    Duration pollInterval();

    /** Rows claimed per round. */
    @WithDefault("50")
    @Override
    int batchSize();

    /** Threads delivering claimed rows in parallel (rows of one ordering key never run in parallel). */
    @WithDefault("4")
    @Override
    int deliveryThreads();

    /** Failed attempts after which a row is parked until an admin retries it. */
    @WithDefault("10")
    @Override
    int maxAttempts();

    /** Backoff after the first failed attempt; doubles per attempt. */
    @WithDefault("1s")
    @Override
    Duration initialBackoff();

    /** Longest backoff between two attempts. */
    @WithDefault("5m")
    @Override
    Duration maxBackoff();

    /** How long a claimed row stays reserved for the replica delivering it (crash = re-delivery after this). */
    @WithDefault("2m")
    @Override
    Duration claimTimeout();

    /** Readiness goes DOWN (instead of UP with status=degraded) while rows are parked. */
    @WithDefault("false")
    boolean healthDownWhenParked();
}
