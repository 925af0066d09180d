package io.countersign.audit;

import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The body of a checkpoint note, in the C2SP tlog-checkpoint layout: origin, tree size,
 * base64 root hash, then one extension line {@code timestamp <ISO-8601>}.
 */
public record Checkpoint(String origin, long treeSize, byte[] rootHash, Instant timestamp) {

    /** The note text that gets signed. */
    public String text() {
        return origin + "\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n"
                + "timestamp " + AuditCodec.formatTs(timestamp) + "\n";
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
        for (int i = 3; i < lines.length; i++) {
            if (lines[i].startsWith("timestamp ")) {
                ts = Instant.parse(lines[i].substring("timestamp ".length()));
            }
        }
        return new Checkpoint(lines[0], size, root, ts);
    }
}
