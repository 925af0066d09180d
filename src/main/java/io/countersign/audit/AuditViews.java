package io.countersign.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** API records of the audit feature (entities and rows never leave the service layer). */
public final class AuditViews {

    private AuditViews() {
    }

    /** One event; seq, prevHash and hash are null until the sequencer chained it. */
    public record EventView(Long seq, long id, String ts, String actorKind, String actorId, String requestId, String type,
            JsonNode data, String prevHash, String hash) {
    }

    /** A signed checkpoint: tree size, hex root, time, signing key ID and the complete C2SP note. */
    public record CheckpointView(long treeSize, String rootHash, String issuedAt, String keyId, String note) {
    }

    /** Latest checkpoint plus a page of checkpoints (newest first) and the key that verifies them. */
    public record CheckpointList(CheckpointView latest, List<CheckpointView> checkpoints, String verifierKey) {
    }

    /**
     * The public key of checkpoint signatures as a note verifier key and as a JWKS; the JWKS and
     * {@code retiredVerifierKeys} also carry the keys of earlier rotations, which still verify
     * the checkpoints they signed.
     */
    public record CheckpointKey(String verifierKey, List<String> retiredVerifierKeys, Map<String, Object> jwks) {
    }

    /** RFC 9162 inclusion proof of one event in the tree of a checkpoint. */
    public record InclusionProof(long seq, long leafIndex, long treeSize, String eventHash, String leafHash,
            List<String> auditPath, CheckpointView checkpoint) {
    }

    /** RFC 9162 consistency proof between two checkpoints. */
    public record ConsistencyProof(long firstSize, long secondSize, List<String> proof, CheckpointView first,
            CheckpointView second) {
    }

    /** Outcome of a server-side verification of the whole chain. */
    public record Verification(boolean ok, long events, long checkpoints, Long firstBadSeq, String message, String verifiedAt,
            String requestedBy, long pendingEvents) {
    }

    /** Every audit event of one action request, in chain order. */
    public record RequestTrail(String requestId, List<EventView> events) {
    }

    /** A page of events matching a search, newest first. */
    public record EventPage(List<EventView> events, Long nextBefore) {
    }
}
