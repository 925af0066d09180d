package io.countersign.audit.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The right edge of a growing RFC 9162 tree: one hash per perfect subtree (one per set bit
 * of the size, largest first). Appending a leaf and computing the root cost O(log n) time
 * and memory, which is how the sequencer, the exports and the verifiers track the tree
 * without holding it. Not thread-safe.
 */
public final class CompactRange {

    private static final HexFormat HEX = HexFormat.of();

    private long size;
    private final ArrayList<byte[]> nodes = new ArrayList<>();
    /** Reused for every node hash: a verifier appends a million leaves on one thread. */
    private MessageDigest md;

    /** An empty range (tree size 0). */
    public CompactRange() {
    }

    /** Restores a range from its size and its perfect-subtree hashes (left to right). */
    public static CompactRange of(long size, List<byte[]> nodes) {
        if (Long.bitCount(size) != nodes.size()) {
            throw new IllegalArgumentException("a compact range of size " + size + " has " + Long.bitCount(size)
                    + " nodes, got " + nodes.size());
        }
        CompactRange cr = new CompactRange();
        cr.size = size;
        for (byte[] n : nodes) {
            if (n.length != Merkle.HASH_SIZE) {
                throw new IllegalArgumentException("compact range node is not 32 bytes");
            }
            cr.nodes.add(n.clone());
        }
        return cr;
    }

    /** Parses the storage form: comma-separated hex hashes. */
    public static CompactRange parse(long size, String text) {
        List<byte[]> nodes = new ArrayList<>();
        if (text != null && !text.isEmpty()) {
            for (String h : text.split(",")) {
                nodes.add(HEX.parseHex(h));
            }
        }
        return of(size, nodes);
    }

    /** Appends one leaf hash (already H(0x00||d)). */
    public void append(byte[] leafHash) {
        byte[] h = leafHash;
        long n = size;
        while ((n & 1) == 1) {
            h = Merkle.nodeHash(digest(), nodes.remove(nodes.size() - 1), h);
            n >>= 1;
        }
        nodes.add(h);
        size++;
    }

    private MessageDigest digest() {
        if (md == null) {
            md = Merkle.sha256();
        }
        return md;
    }

    /** Number of leaves covered. */
    public long size() {
        return size;
    }

    /** MTH of all leaves appended so far. */
    public byte[] root() {
        if (nodes.isEmpty()) {
            return Merkle.emptyRoot();
        }
        byte[] h = nodes.get(nodes.size() - 1);
        for (int i = nodes.size() - 2; i >= 0; i--) {
            h = Merkle.nodeHash(digest(), nodes.get(i), h);
        }
        return h;
    }

    /** Storage form: comma-separated hex hashes, left to right. */
    public String format() {
        StringBuilder sb = new StringBuilder(nodes.size() * 65);
        for (byte[] n : nodes) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(HEX.formatHex(n));
        }
        return sb.toString();
    }

    /** A copy of the perfect-subtree hashes, left to right. */
    public List<byte[]> nodes() {
        List<byte[]> out = new ArrayList<>(nodes.size());
        for (byte[] n : nodes) {
            out.add(n.clone());
        }
        return out;
    }

    /** An independent copy. */
    public CompactRange copy() {
        return of(size, nodes);
    }
}
