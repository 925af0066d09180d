package io.countersign.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.json.Jcs;
import io.countersign.audit.merkle.CompactRange;
import io.countersign.audit.merkle.Merkle;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Recomputes a (part of the) chain event by event and checks signed checkpoints against
 * Merkle roots recomputed from the events. Used by the server ({@code /api/v1/audit/verify})
 * and by the offline verifier, so both apply exactly the same rules. Stops at the first
 * failure and remembers the first bad sequence number (for a checkpoint whose root does not
 * match, the first sequence number after the last checkpoint that did; for a missing
 * checkpoint, its tree size). Events are checked under their own format version
 * ({@link AuditCodec}); checkpoints that name their predecessor ({@link Checkpoint#previousSize})
 * must follow it without a gap.
 */
public final class ChainVerifier {

    /** Outcome of a verification. */
    public record Result(boolean ok, long events, long checkpoints, Long firstBadSeq, String message) {
    }

    private final List<SignedNote.VerifierKey> keys;
    private final String origin;
    private final boolean contiguous;
    private CompactRange frontier;
    private long expectedSeq;
    private String lastHash;
    private long lastSeq;
    private long events;
    private long checkpoints;
    private long lastGoodCheckpoint;
    private final long firstSeq;
    private Long lastCheckpointSize;
    private Long firstBad;
    private String failure;

    /**
     * @param keys       trusted checkpoint keys
     * @param origin     expected checkpoint origin, or null to accept the key's name
     * @param firstSeq   sequence number of the first event expected
     * @param prevHash   hash of event firstSeq-1 (genesis for 1), or null when unknown
     * @param frontier   compact Merkle range of events 1..firstSeq-1, or null for a filtered (non-contiguous) stream
     */
    public ChainVerifier(List<SignedNote.VerifierKey> keys, String origin, long firstSeq, String prevHash, CompactRange frontier) {
        this.keys = List.copyOf(keys);
        this.origin = origin;
        this.contiguous = frontier != null;
        this.frontier = frontier;
        this.expectedSeq = firstSeq;
        this.lastSeq = firstSeq - 1;
        this.lastHash = prevHash;
        this.lastGoodCheckpoint = firstSeq - 1;
        this.firstSeq = firstSeq;
    }

    /** True while no failure was found. */
    public boolean ok() {
        return firstBad == null;
    }

    /** Number of events verified so far. */
    public long events() {
        return events;
    }

    /** Size of the tree recomputed so far (contiguous streams). */
    public long size() {
        return lastSeq;
    }

    /** Records the first failure; later ones are ignored. */
    public boolean fail(long seq, String message) {
        if (firstBad == null) {
            firstBad = seq;
            failure = message;
        }
        return false;
    }

    /** Checks one event of format {@code version}; returns false (and records where) on the first problem. */
    public boolean event(int version, long seq, String ts, String actorKind, String actorId, String agentId, String requestId,
            String type, JsonNode data, String prevHash, String hash) {
        return ok() && event(prepare(AuditCodec.sha256(), version, seq, ts, actorKind, actorId, agentId, requestId, type, data,
                prevHash, hash));
    }

    /**
     * The part of checking one event that does not depend on the events before it: required
     * fields, the format, the recomputed hash and the Merkle leaf. Thread-safe apart from
     * {@code md} (one digest per thread), so a verifier can prepare events in parallel and feed
     * them to {@link #event(Prepared)} in stream order. {@code agentId} must be null for
     * format 1, which does not hash it.
     */
    public static Prepared prepare(MessageDigest md, int version, long seq, String ts, String actorKind, String actorId,
            String agentId, String requestId, String type, JsonNode data, String prevHash, String hash) {
        if (!complete(ts, actorKind, actorId, type, data, prevHash, hash)) {
            return missingField(seq, prevHash, hash);
        }
        StringBuilder canonicalData = new StringBuilder(256);
        try {
            Jcs.write(data, canonicalData);
        } catch (IllegalArgumentException e) {
            return notCanonical(seq, prevHash, hash, e);
        }
        return prepareCanonical(md, version, seq, ts, actorKind, actorId, agentId, requestId, type, canonicalData, prevHash, hash);
    }

    /**
     * {@link #prepare(MessageDigest, int, long, String, String, String, String, String, String, JsonNode, String, String)}
     * for an event whose {@code data} the caller already canonicalised (null when absent or
     * JSON null): same checks, same outcome.
     */
    public static Prepared prepareCanonical(MessageDigest md, int version, long seq, String ts, String actorKind, String actorId,
            String agentId, String requestId, String type, CharSequence canonicalData, String prevHash, String hash) {
        if (!complete(ts, actorKind, actorId, type, canonicalData, prevHash, hash)) {
            return missingField(seq, prevHash, hash);
        }
        if (!AuditCodec.supportedFormat(version)) {
            return new Prepared(seq, prevHash, hash, null, "event " + seq + " has the unknown format version " + version, false);
        }
        if (version == AuditCodec.FORMAT_1 && agentId != null) {
            // format 1 does not hash the agent: an agent shown next to such an event would be unverified
            return new Prepared(seq, prevHash, hash, null, "event " + seq + " names an agent, which its format (1) does not cover",
                    false);
        }
        String canonical;
        try {
            canonical = AuditCodec.canonicalEvent(version, seq, ts, actorKind, actorId, agentId, requestId, type, canonicalData);
        } catch (IllegalArgumentException e) {
            return notCanonical(seq, prevHash, hash, e);
        }
        return prepared(md, seq, canonical, prevHash, hash);
    }

    private static boolean complete(String ts, String actorKind, String actorId, String type, Object data, String prevHash,
            String hash) {
        return ts != null && actorKind != null && actorId != null && type != null && data != null && prevHash != null
                && hash != null;
    }

    private static Prepared missingField(long seq, String prevHash, String hash) {
        return new Prepared(seq, prevHash, hash, null, "event " + seq + " lacks a required field", true);
    }

    private static Prepared notCanonical(long seq, String prevHash, String hash, IllegalArgumentException e) {
        return new Prepared(seq, prevHash, hash, null, "event " + seq + " cannot be canonicalized: " + e.getMessage(), false);
    }

    private static Prepared prepared(MessageDigest md, long seq, String canonical, String prevHash, String hash) {
        byte[] recomputed;
        try {
            recomputed = AuditCodec.chainHash(md, prevHash, canonical);
        } catch (IllegalArgumentException e) { // prevHash is not hex
            return notCanonical(seq, prevHash, hash, e);
        }
        if (!AuditCodec.isHexOf(recomputed, hash)) {
            return new Prepared(seq, prevHash, hash, null, "event " + seq + " was altered: its hash does not match its content", false);
        }
        return new Prepared(seq, prevHash, hash, Merkle.leafHash(md, recomputed), null, false);
    }

    /**
     * An event with its order-independent checks done.
     *
     * @param leafHash      Merkle leaf of the (correct) event hash, null when {@code problem} is set
     * @param problem       why the event is bad by itself, or null
     * @param missingField  the problem is a missing field (reported before a broken link, as the sequential checks do)
     */
    public record Prepared(long seq, String prevHash, String hash, byte[] leafHash, String problem, boolean missingField) {
    }

    /** Checks a prepared event against the events before it; returns false (and records where) on the first problem. */
    public boolean event(Prepared e) {
        if (!ok()) {
            return false;
        }
        long seq = e.seq();
        if (contiguous) {
            if (seq > expectedSeq) {
                return fail(expectedSeq, "event " + expectedSeq + " is missing (next event found is " + seq + ")");
            }
            if (seq == expectedSeq - 1) {
                return fail(seq, "event " + seq + " appears twice");
            }
            if (seq < expectedSeq) {
                return fail(expectedSeq, "event " + expectedSeq + " is missing (found event " + seq + " out of order)");
            }
        } else if (seq <= lastSeq) {
            return fail(seq, "event " + seq + " appears twice or out of order");
        }
        if (e.missingField()) {
            return fail(seq, e.problem());
        }
        boolean linked = contiguous || seq == lastSeq + 1;
        if (linked && lastHash != null && !lastHash.equals(e.prevHash())) {
            return fail(seq, "event " + seq + " does not link to the previous event's hash");
        }
        if (e.problem() != null) {
            return fail(seq, e.problem());
        }
        if (contiguous) {
            frontier.append(e.leafHash());
        }
        lastSeq = seq;
        lastHash = e.hash();
        expectedSeq = seq + 1;
        events++;
        return true;
    }

    /** Checks a checkpoint met in the stream right after the event with seq == its tree size. */
    public boolean checkpoint(String note) {
        if (!ok()) {
            return false;
        }
        Checkpoint cp = open(note);
        if (cp == null) {
            return false;
        }
        checkpoints++;
        if (!followsPrevious(cp)) {
            return false;
        }
        if (!contiguous) {
            return true;
        }
        if (cp.treeSize() > frontier.size()) {
            return fail(frontier.size() + 1, "events " + (frontier.size() + 1) + ".." + cp.treeSize()
                    + " are missing: a signed checkpoint covers " + cp.treeSize() + " events");
        }
        if (cp.treeSize() < frontier.size()) {
            return fail(cp.treeSize() + 1, "checkpoint " + cp.treeSize() + " is out of place after event " + frontier.size());
        }
        if (!Arrays.equals(cp.rootHash(), frontier.root())) {
            return fail(lastGoodCheckpoint + 1, "signed checkpoint " + cp.treeSize()
                    + " does not match the events: events after " + lastGoodCheckpoint + " were rewritten");
        }
        lastGoodCheckpoint = cp.treeSize();
        return true;
    }

    /** Checks the checkpoint covering the end of the stream with a consistency proof from the current size. */
    public boolean covering(String note, long fromSize, List<byte[]> proof) {
        if (!ok()) {
            return false;
        }
        Checkpoint cp = open(note);
        if (cp == null) {
            return false;
        }
        checkpoints++;
        if (!Long.valueOf(cp.treeSize()).equals(lastCheckpointSize) && !followsPrevious(cp)) {
            return false;
        }
        if (!contiguous) {
            return true;
        }
        if (fromSize != frontier.size()) {
            return fail(Math.min(fromSize, frontier.size()) + 1, "the export declares " + fromSize
                    + " events up to its covering checkpoint but " + frontier.size() + " were found");
        }
        if (!Merkle.verifyConsistency(fromSize, cp.treeSize(), proof, frontier.root(), cp.rootHash())) {
            return fail(lastGoodCheckpoint + 1, "the events do not match the covering checkpoint " + cp.treeSize()
                    + ": events after " + lastGoodCheckpoint + " were rewritten");
        }
        lastGoodCheckpoint = fromSize;
        return true;
    }

    /**
     * Checks the checkpoint's link to its predecessor: it must name the checkpoint met just
     * before it in the stream, or, when it is the first one met, one that lies before the
     * stream's first event (and so could not be met). Checkpoints signed before links existed
     * name none and are not checked. Deleting a checkpoint is thereby found at its successor.
     */
    private boolean followsPrevious(Checkpoint cp) {
        Long previous = cp.previousSize();
        Long met = lastCheckpointSize;
        lastCheckpointSize = cp.treeSize();
        if (previous == null) {
            return true;
        }
        if (met != null && previous < met) {
            return fail(met, "the signed checkpoint of " + cp.treeSize() + " events names the checkpoint of " + previous
                    + " events as its predecessor, not the checkpoint of " + met + " events before it");
        }
        if ((met != null && previous > met) || (met == null && previous >= firstSeq)) {
            return fail(previous, "the signed checkpoint of " + previous + " events is missing: the checkpoint of "
                    + cp.treeSize() + " events names it as its predecessor");
        }
        return true;
    }

    private Checkpoint open(String note) {
        long where = lastSeq + 1;
        String text;
        try {
            text = SignedNote.verify(note, keys);
        } catch (IllegalArgumentException e) {
            fail(lastGoodCheckpoint + 1, "checkpoint after event " + lastSeq + ": " + e.getMessage());
            return null;
        }
        Checkpoint cp;
        try {
            cp = Checkpoint.parseText(text);
        } catch (RuntimeException e) {
            fail(where, "checkpoint after event " + lastSeq + " is malformed: " + e.getMessage());
            return null;
        }
        if (origin != null && !Objects.equals(origin, cp.origin())) {
            fail(where, "checkpoint origin '" + cp.origin() + "' is not '" + origin + "'");
            return null;
        }
        return cp;
    }

    /** Final result; {@code expectedLastSeq}/{@code expectedLastHash} (nullable) come from a trusted head. */
    public Result finish(Long expectedLastSeq, String expectedLastHash) {
        if (ok() && expectedLastSeq != null && lastSeq < expectedLastSeq) {
            fail(lastSeq + 1, "events " + (lastSeq + 1) + ".." + expectedLastSeq + " are missing");
        }
        if (ok() && expectedLastHash != null && !expectedLastHash.equals(lastHash)) {
            fail(lastSeq, "event " + lastSeq + " does not match the chain head");
        }
        if (ok()) {
            return new Result(true, events, checkpoints, null, "verified " + events + " events and " + checkpoints
                    + " signed checkpoints" + (contiguous ? "" : " (filtered export: chain links and Merkle roots only partly checkable)"));
        }
        return new Result(false, events, checkpoints, firstBad, failure);
    }
}
