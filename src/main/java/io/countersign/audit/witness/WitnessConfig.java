package io.countersign.audit.witness;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Witnessing of audit checkpoints (docs/audit.md, "Witnesses") and the append-only checkpoint file. */
@ConfigMapping(prefix = "countersign.audit.witness")
public interface WitnessConfig {

    /** The witnesses that cosign every checkpoint, by a short name of your choice: {@code targets.<name>.url} and {@code .key}. */
    Map<String, Target> targets();

    /** How many witnesses must cosign a checkpoint for it to count as witnessed (health check, export wait); 0 means all of them. */
    @WithDefault("0")
    int quorum();

    /** How often the submitter looks for new checkpoints when nothing woke it. */
    @WithDefault("PT1S")
    Duration poll();

    /** First pause before retrying a witness that failed or could not be reached; doubles per failure. */
    @WithDefault("PT1S")
    Duration initialBackoff();

    /** Longest pause between retries of an unreachable witness. */
    @WithDefault("PT1M")
    Duration maxBackoff();

    /** Connect and response timeout of one add-checkpoint request. */
    @WithDefault("PT10S")
    Duration requestTimeout();

    /** How long an export or a verification with required witnesses waits for the newest checkpoint's cosignatures. */
    @WithDefault("PT5S")
    Duration awaitCosignatures();

    /** The witness health check reports DOWN when a witness has more checkpoints than this waiting for its cosignature. */
    @WithDefault("10")
    long maxPending();

    /** One witness. */
    interface Target {
        /** Submission prefix of the witness; checkpoints go to {@code <url>/add-checkpoint}. */
        URI url();

        /** The witness's cosigner verifier key {@code name+keyid+base64(0x04||key)} (printed by {@code witness keygen}). */
        String key();
    }

    /** The append-only checkpoint file (prefix {@code countersign.audit.checkpoint-sink}). */
    @ConfigMapping(prefix = "countersign.audit.checkpoint-sink")
    interface Sink {
        /** File every new checkpoint note is appended to (O_APPEND, fsync), e.g. on write-once storage; unset: none. */
        Optional<String> file();
    }
}
