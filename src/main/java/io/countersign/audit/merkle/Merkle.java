package io.countersign.audit.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 9162 (and RFC 6962) Merkle tree hashing with SHA-256: leaf = H(0x00 || d), node =
 * H(0x01 || left || right); tree heads, inclusion and consistency proofs and their
 * verification. Proof generation is expressed as a list of leaf ranges whose subtree hashes
 * the caller supplies, so a proof over a database table streams the leaves instead of
 * loading the tree.
 */
public final class Merkle {

    /** Size of every hash in bytes. */
    public static final int HASH_SIZE = 32;

    private Merkle() {
    }

    /** A half-open range of leaf indexes [start, end) whose subtree hash (MTH) is needed. */
    public record Range(long start, long end) {
    }

    /** Computes MTH(D[start:end]) for a proof; implementations stream or index the leaves. */
    @FunctionalInterface
    public interface RangeHasher {
        /** The Merkle tree hash of leaves [start, end). */
        byte[] hash(long start, long end);
    }

    /** SHA-256 of nothing: the root of the empty tree. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    /** H(0x00 || data). */
    public static byte[] leafHash(byte[] data) {
        return leafHash(sha256(), data);
    }

    /** H(0x00 || data) with a digest the caller reuses (not thread-safe). */
    public static byte[] leafHash(MessageDigest md, byte[] data) {
        md.reset();
        md.update((byte) 0x00);
        md.update(data);
        return md.digest();
    }

    /** H(0x01 || left || right). */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        return nodeHash(sha256(), left, right);
    }

    /** H(0x01 || left || right) with a digest the caller reuses (not thread-safe). */
    public static byte[] nodeHash(MessageDigest md, byte[] left, byte[] right) {
        md.reset();
        md.update((byte) 0x01);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    /** MTH over in-memory leaf data (tests and small trees). */
    public static byte[] root(List<byte[]> leaves) {
        CompactRange cr = new CompactRange();
        for (byte[] leaf : leaves) {
            cr.append(leafHash(leaf));
        }
        return cr.root();
    }

    /** The largest power of two strictly smaller than n (n >= 2). */
    static long splitPoint(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** RFC 9162 2.1.3.1: the subtrees of an inclusion proof for leaf {@code index}, bottom-up. */
    public static List<Range> inclusionRanges(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf index " + index + " not in a tree of size " + size);
        }
        List<Range> out = new ArrayList<>();
        path(index, 0, size, out);
        return out;
    }

    private static void path(long m, long start, long n, List<Range> out) {
        if (n <= 1) {
            return;
        }
        long k = splitPoint(n);
        if (m < k) {
            path(m, start, k, out);
            out.add(new Range(start + k, start + n));
        } else {
            path(m - k, start + k, n - k, out);
            out.add(new Range(start, start + k));
        }
    }

    /** RFC 9162 2.1.4.1: the subtrees of a consistency proof between sizes m and n. */
    public static List<Range> consistencyRanges(long m, long n) {
        if (m < 0 || m > n) {
            throw new IllegalArgumentException("no consistency proof from size " + m + " to " + n);
        }
        List<Range> out = new ArrayList<>();
        if (m == 0 || m == n) {
            return out;
        }
        subproof(m, 0, n, true, out);
        return out;
    }

    private static void subproof(long m, long start, long n, boolean b, List<Range> out) {
        if (m == n) {
            if (!b) {
                out.add(new Range(start, start + n));
            }
            return;
        }
        long k = splitPoint(n);
        if (m <= k) {
            subproof(m, start, k, b, out);
            out.add(new Range(start + k, start + n));
        } else {
            subproof(m - k, start + k, n - k, false, out);
            out.add(new Range(start, start + k));
        }
    }

    /** Resolves proof ranges to hashes. */
    public static List<byte[]> resolve(List<Range> ranges, RangeHasher hasher) {
        List<byte[]> out = new ArrayList<>(ranges.size());
        for (Range r : ranges) {
            out.add(hasher.hash(r.start(), r.end()));
        }
        return out;
    }

    /** A RangeHasher over in-memory leaf hashes (already H(0x00||d)). */
    public static RangeHasher inMemory(List<byte[]> leafHashes) {
        return (start, end) -> {
            CompactRange cr = new CompactRange();
            for (long i = start; i < end; i++) {
                cr.append(leafHashes.get((int) i));
            }
            return cr.root();
        };
    }

    /** RFC 9162 2.1.3.2: true when {@code proof} proves leafHash at index in the tree with {@code root}. */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        if (index < 0 || index >= size || leafHash == null || leafHash.length != HASH_SIZE || root == null) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (p == null || p.length != HASH_SIZE || sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    /** RFC 9162 2.1.4.2: true when {@code proof} shows the tree (size2, root2) extends (size1, root1). */
    public static boolean verifyConsistency(long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2) {
        if (size1 < 0 || size2 < size1 || root1 == null || root2 == null) {
            return false;
        }
        if (size1 == size2) {
            return proof.isEmpty() && Arrays.equals(root1, root2);
        }
        if (size1 == 0) {
            return proof.isEmpty();
        }
        if (proof.isEmpty()) {
            return false;
        }
        for (byte[] p : proof) {
            if (p == null || p.length != HASH_SIZE) {
                return false;
            }
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(size1) == 1) {
            path.add(0, root1);
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (int i = 1; i < path.size(); i++) {
            byte[] c = path.get(i);
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(fr, root1) && Arrays.equals(sr, root2);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
