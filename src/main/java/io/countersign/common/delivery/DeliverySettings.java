package io.countersign.common.delivery;

import java.time.Duration;

/** How a {@link DeliveryRelay} paces, retries and parks (each relay's config mapping implements it). */
public interface DeliverySettings {

    /** Longest pause of the relay when no commit wakes it (fallback poll, also picks up other replicas' rows). */
    Duration pollInterval();

    /** Rows claimed per round. */
    int batchSize();

    /** Threads delivering claimed rows in parallel (rows of one ordering key never run in parallel). */
    int deliveryThreads();

    /** Failed attempts after which a row is parked until an admin retries it. */
    int maxAttempts();

    /** Backoff after the first failed attempt; doubles per attempt. */
    Duration initialBackoff();

    /** Longest backoff between two attempts. */
    Duration maxBackoff();

    /** How long a claimed row stays reserved for the replica delivering it (crash = re-delivery after this). */
    Duration claimTimeout();
}
