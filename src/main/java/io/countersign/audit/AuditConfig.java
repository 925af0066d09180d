package io.countersign.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the decision trail: sequencer, checkpoints, signing key and export. */
@ConfigMapping(prefix = "countersign.audit")
public interface AuditConfig {

    /** Whether this instance runs the background sequencer (any number may; the chain-head lock keeps one active at a time). */
    @WithDefault("true")
    boolean sequencerEnabled();

    /** Fallback poll interval of the sequencer when no commit woke it (events of other replicas, missed wake-ups). */
    @WithDefault("PT0.2S")
    Duration sequencerPoll();

    /** Maximum number of events the sequencer chains in one transaction. */
    @WithDefault("2000")
    int sequencerBatch();

    /** A signed checkpoint is written once this many events were sequenced since the last one. */
    @WithDefault("1000")
    long checkpointEvents();

    /** A signed checkpoint is also written when this much time passed since the last one and new events exist. */
    @WithDefault("PT10S")
    Duration checkpointInterval();

    /** Origin line of checkpoints and name of the signing key in signed notes (no spaces, no '+'). */
    @WithDefault("countersign.local/audit")
    String origin();

    /** Checkpoint signing key as an Ed25519 OKP JWK (with "d"), e.g. from an environment variable; wins over key-file. */
    Optional<String> keyJwk();

    /** File holding the checkpoint signing key as an Ed25519 OKP JWK; generated on first start when missing and generate-key is on. */
    @WithDefault("data/keys/audit-checkpoint-ed25519.jwk")
    String keyFile();

    /** Generate the signing key into key-file when it is missing (embedded default); turn off in production so a missing key fails startup. */
    @WithDefault("true")
    boolean generateKey();

    /**
     * Public keys of earlier checkpoint signing keys, as JWKS text ({"keys":[OKP Ed25519 JWKs]}),
     * e.g. from an environment variable. After a rotation they keep verifying the checkpoints
     * they signed and stay published; only their "x" is read (a private "d" is ignored).
     */
    Optional<String> retiredKeys();

    /** File holding retired checkpoint keys as a JWKS (see retired-keys; both are merged). */
    Optional<String> retiredKeysFile();

    /** JDBC fetch size for exports and verification (rows held in memory at once). */
    @WithDefault("1000")
    int fetchSize();

    /** Report the audit-trail readiness check DOWN (not only state "tampered") while rows outside the chain or a missing newest checkpoint are found. */
    @WithDefault("false")
    boolean healthDownWhenTampered();
}
