package io.countersign.audit.witness;

import io.countersign.audit.Checkpoint;
import io.countersign.audit.SignedNote;
import io.countersign.audit.merkle.Merkle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The witness's {@code add-checkpoint} logic (https://c2sp.org/tlog-witness), free of HTTP:
 * checks the log signature, the old size against the latest cosigned size, the consistency
 * proof, persists the new latest checkpoint and returns the cosignature. One request at a
 * time ({@code synchronized}), so checking the old size and persisting the new one are atomic.
 */
public final class WitnessHandler {

    /** Media type of a 409 body: the witness's current tree size. */
    public static final String SIZE_TYPE = "text/x.tlog.size";
    /** The witness refuses requests larger than this (a checkpoint and 63 proof lines are far smaller). */
    public static final int MAX_BODY = 64 * 1024;
    private static final Pattern OLD = Pattern.compile("old (0|[1-9][0-9]{0,18})");

    /** A reply: status, content type and body. */
    public record Reply(int status, String contentType, String body) {
        static Reply text(int status, String message) {
            return new Reply(status, "text/plain; charset=utf-8", message + "\n");
        }
    }

    private final WitnessKey key;
    private final List<SignedNote.VerifierKey> logKeys;
    private final WitnessState state;
    private final Clock clock;

    WitnessHandler(WitnessKey key, List<SignedNote.VerifierKey> logKeys, WitnessState state, Clock clock) {
        this.key = key;
        this.logKeys = List.copyOf(logKeys);
        this.state = state;
        this.clock = clock;
    }

    /** Handles one {@code POST add-checkpoint} body. */
    public synchronized Reply addCheckpoint(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return Reply.text(400, "request body is not UTF-8");
        }
        int nl = text.indexOf('\n');
        if (nl < 0 || !OLD.matcher(text.substring(0, nl)).matches()) {
            return Reply.text(400, "the first line must be \"old <size>\"");
        }
        long old;
        try {
            old = Long.parseLong(text.substring(4, nl));
        } catch (NumberFormatException e) {
            return Reply.text(400, "old size out of range");
        }
        List<byte[]> proof = new ArrayList<>();
        int pos = nl + 1;
        while (true) {
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                return Reply.text(400, "no empty line before the checkpoint");
            }
            String line = text.substring(pos, end);
            pos = end + 1;
            if (line.isEmpty()) {
                break;
            }
            if (proof.size() == 63) {
                return Reply.text(400, "more than 63 consistency proof lines");
            }
            byte[] h;
            try {
                h = Base64.getDecoder().decode(line);
            } catch (IllegalArgumentException e) {
                h = null;
            }
            if (h == null || h.length != Merkle.HASH_SIZE) {
                return Reply.text(400, "consistency proof line " + (proof.size() + 1) + " is not a base64 SHA-256 hash");
            }
            proof.add(h);
        }
        String note = text.substring(pos);
        Checkpoint cp;
        SignedNote.Parsed parsed;
        try {
            parsed = SignedNote.parse(note);
            cp = Checkpoint.parseText(parsed.text());
        } catch (RuntimeException e) {
            return Reply.text(400, "malformed checkpoint: " + e.getMessage());
        }
        List<SignedNote.VerifierKey> keys = logKeys.stream().filter(k -> k.name().equals(cp.origin())).toList();
        if (keys.isEmpty()) {
            return Reply.text(404, "unknown log origin " + cp.origin());
        }
        try {
            SignedNote.verify(note, keys);
        } catch (IllegalArgumentException e) {
            return Reply.text(403, "no signature of a trusted key of " + cp.origin() + " verifies the checkpoint");
        }
        if (old > cp.treeSize()) {
            return Reply.text(400, "old size " + old + " is larger than the checkpoint size " + cp.treeSize());
        }
        try {
            Optional<WitnessState.Latest> latest = state.get(cp.origin());
            long current = latest.map(l -> l.checkpoint().treeSize()).orElse(0L);
            if (old != current) {
                return new Reply(409, SIZE_TYPE, current + "\n");
            }
            byte[] currentRoot = latest.map(l -> l.checkpoint().rootHash()).orElse(Merkle.emptyRoot());
            if (old == cp.treeSize()) {
                if (!Arrays.equals(currentRoot, cp.rootHash())) {
                    // A second tree of the same size: the log forked. Refuse and keep the first.
                    return new Reply(409, SIZE_TYPE, current + "\n");
                }
            } else if (old == 0) {
                if (!proof.isEmpty()) {
                    return Reply.text(400, "the consistency proof must be empty when old is 0");
                }
            } else if (!Merkle.verifyConsistency(old, cp.treeSize(), proof, currentRoot, cp.rootHash())) {
                return Reply.text(422, "the consistency proof from " + old + " to " + cp.treeSize() + " does not verify");
            }
            String cosignature = key.cosign(clock.instant().getEpochSecond(), parsed.text());
            state.put(cp.origin(), new WitnessState.Latest(cp, Cosignature.withSignatures(note, List.of(cosignature))));
            return new Reply(200, "text/plain; charset=utf-8", cosignature);
        } catch (IOException e) {
            return Reply.text(500, "witness state unavailable: " + e.getMessage());
        }
    }
}
