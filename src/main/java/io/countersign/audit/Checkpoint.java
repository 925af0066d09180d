package io.countersign.audit;

import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The body of a checkpoint note, in the C2SP tlog-checkpoint layout: origin, tree size,
 * base64 root hash, then the extension lines {@code timestamp <ISO-8601>} and
 * {@code previous <tree size>}: the tree size of the checkpoint signed before this one, so the
 * signed checkpoints form a list in which a deleted one is missed by its successor
 * ({@code previousSize} is null for the first checkpoint and for checkpoints signed before
 * the link existed).
 */
public record Checkpoint(String origin, long treeSize, byte[] rootHash, Instant timestamp, Long previousSize) {

    private static final String PREVIOUS = "previous ";

    /** A checkpoint without a link to a previous one. */
    public Checkpoint(String origin, long treeSize, byte[] rootHash, Instant timestamp) {
        this(origin, treeSize, rootHash, timestamp, null);
    }

    /** The note text that gets signed. */
    public String text() {
        return origin + "\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n"
                + "timestamp " + AuditCodec.formatTs(timestamp) + "\n"
                + (previousSize == null ? "" : PREVIOUS + previousSize + "\n");
    }

    /** Root hash as lower-case hex. */
    public String rootHex() {
        return HexFormat.of().formatHex(rootHash);
    }

    /** Parses verified note text back into a checkpoint; throws IllegalArgumentException when malformed. */
    public static Checkpoint parseText(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length < 4 || lines[0].isEmpty()) {
            throw new IllegalArgumentException("malformed checkpoint: need origin, size and root lines");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed checkpoint tree size");
        }
        byte[] root = Base64.getDecoder().decode(lines[2]);
        if (root.length != 32 || size < 0) {
            throw new IllegalArgumentException("malformed checkpoint root or size");
        }
        Instant ts = null;
        Long previous = null;
        for (int i = 3; i < lines.length; i++) {
            if (lines[i].startsWith("timestamp ")) {
                ts = Instant.parse(lines[i].substring("timestamp ".length()));
            } else if (lines[i].startsWith(PREVIOUS)) {
                try {
                    previous = Long.parseLong(lines[i].substring(PREVIOUS.length()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("malformed checkpoint previous line");
                }
                if (previous < 1 || previous >= size) {
                    throw new IllegalArgumentException("checkpoint previous size " + previous + " is not below its size " + size);
                }
            }
        }
        return new Checkpoint(lines[0], size, root, ts, previous);
    }
}
