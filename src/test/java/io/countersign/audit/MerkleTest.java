package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.audit.merkle.CompactRange;
import io.countersign.audit.merkle.Merkle;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Known-answer tests: RFC 6962 vectors as published in transparency-dev/merkle (proof/verify_test.go). */
class MerkleTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final List<byte[]> LEAVES = List.of(h(""), h("00"), h("10"), h("2021"), h("3031"), h("40414243"),
            h("5051525354555657"), h("606162636465666768696a6b6c6d6e6f"));
    private static final String[] ROOTS = {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328" };

    private static byte[] h(String hex) {
        return HEX.parseHex(hex);
    }

    private static List<byte[]> hs(String... hex) {
        List<byte[]> out = new ArrayList<>();
        for (String x : hex) {
            out.add(h(x));
        }
        return out;
    }

    private static List<byte[]> leafHashes() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] l : LEAVES) {
            out.add(Merkle.leafHash(l));
        }
        return out;
    }

    @Test
    void emptyTreeRootIsSha256OfNothing() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HEX.formatHex(Merkle.emptyRoot()));
    }

    @Test
    void treeHeadsMatchRfc6962Vectors() {
        for (int n = 1; n <= 8; n++) {
            assertEquals(ROOTS[n - 1], HEX.formatHex(Merkle.root(LEAVES.subList(0, n))), "root of size " + n);
        }
    }

    @Test
    void compactRangeRestoredFromStorageGivesSameRoots() {
        CompactRange cr = new CompactRange();
        for (int n = 1; n <= 8; n++) {
            cr.append(Merkle.leafHash(LEAVES.get(n - 1)));
            CompactRange restored = CompactRange.parse(cr.size(), cr.format());
            assertEquals(ROOTS[n - 1], HEX.formatHex(restored.root()));
        }
    }

    @Test
    void inclusionProofsMatchVectors() {
        List<byte[]> lh = leafHashes();
        Object[][] vectors = {
                { 0L, 8L, hs("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4") },
                { 5L, 8L, hs("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7") },
                { 2L, 3L, hs("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125") },
                { 1L, 5L, hs("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b") } };
        for (Object[] v : vectors) {
            long index = (Long) v[0];
            long size = (Long) v[1];
            @SuppressWarnings("unchecked")
            List<byte[]> expected = (List<byte[]>) v[2];
            List<byte[]> proof = Merkle.resolve(Merkle.inclusionRanges(index, size), Merkle.inMemory(lh));
            assertEquals(hexes(expected), hexes(proof), "inclusion " + index + "/" + size);
            byte[] root = h(ROOTS[(int) size - 1]);
            assertTrue(Merkle.verifyInclusion(index, size, lh.get((int) index), proof, root));
            // Corruptions of the vector must all be refused.
            assertFalse(Merkle.verifyInclusion(index + 1, size, lh.get((int) index), proof, root));
            assertFalse(Merkle.verifyInclusion(index, size * 2, lh.get((int) index), proof, root));
            assertFalse(Merkle.verifyInclusion(index, size, Merkle.emptyRoot(), proof, root));
            assertFalse(Merkle.verifyInclusion(index, size, lh.get((int) index), proof.subList(0, proof.size() - 1), root));
            List<byte[]> extended = new ArrayList<>(proof);
            extended.add(root);
            assertFalse(Merkle.verifyInclusion(index, size, lh.get((int) index), extended, root));
            for (int i = 0; i < proof.size(); i++) {
                List<byte[]> flipped = new ArrayList<>(proof);
                byte[] f = proof.get(i).clone();
                f[0] ^= 8;
                flipped.set(i, f);
                assertFalse(Merkle.verifyInclusion(index, size, lh.get((int) index), flipped, root));
            }
        }
    }

    @Test
    void consistencyProofsMatchVectors() {
        List<byte[]> lh = leafHashes();
        Object[][] vectors = {
                { 1L, 8L, hs("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4") },
                { 6L, 8L, hs("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7") },
                { 2L, 5L, hs("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b") },
                { 6L, 7L, hs("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7") } };
        for (Object[] v : vectors) {
            long m = (Long) v[0];
            long n = (Long) v[1];
            @SuppressWarnings("unchecked")
            List<byte[]> expected = (List<byte[]>) v[2];
            List<byte[]> proof = Merkle.resolve(Merkle.consistencyRanges(m, n), Merkle.inMemory(lh));
            assertEquals(hexes(expected), hexes(proof), "consistency " + m + "->" + n);
            byte[] r1 = h(ROOTS[(int) m - 1]);
            byte[] r2 = h(ROOTS[(int) n - 1]);
            assertTrue(Merkle.verifyConsistency(m, n, proof, r1, r2));
            assertFalse(Merkle.verifyConsistency(m, n, proof, r2, r1), "swapped roots");
            assertFalse(Merkle.verifyConsistency(m - 1 == 0 ? m + 1 : m - 1, n, proof, r1, r2), "wrong size1");
            assertFalse(Merkle.verifyConsistency(m, n * 2, proof, r1, r2), "wrong size2");
            assertFalse(Merkle.verifyConsistency(m, n, List.of(), r1, r2), "empty proof");
            assertFalse(Merkle.verifyConsistency(m, n, proof.subList(0, proof.size() - 1), r1, r2), "truncated proof");
            for (int i = 0; i < proof.size(); i++) {
                List<byte[]> flipped = new ArrayList<>(proof);
                byte[] f = proof.get(i).clone();
                f[0] ^= 16;
                flipped.set(i, f);
                assertFalse(Merkle.verifyConsistency(m, n, flipped, r1, r2), "flipped proof[" + i + "]");
            }
        }
        assertTrue(Merkle.verifyConsistency(1, 1, List.of(), h(ROOTS[0]), h(ROOTS[0])));
        assertFalse(Merkle.verifyConsistency(1, 1, List.of(), h(ROOTS[0]), h(ROOTS[1])));
    }

    @Test
    void generatedProofsVerifyForEveryTreeShapeUpTo70Leaves() {
        List<byte[]> lh = new ArrayList<>();
        List<byte[]> roots = new ArrayList<>();
        CompactRange cr = new CompactRange();
        for (int i = 0; i < 70; i++) {
            byte[] leaf = Merkle.leafHash(new byte[] { (byte) i, (byte) (i >> 8) });
            lh.add(leaf);
            cr.append(leaf);
            roots.add(cr.root());
        }
        for (int n = 1; n <= 70; n++) {
            byte[] root = roots.get(n - 1);
            assertArrayEquals(root, Merkle.inMemory(lh).hash(0, n));
            for (int i = 0; i < n; i++) {
                List<byte[]> p = Merkle.resolve(Merkle.inclusionRanges(i, n), Merkle.inMemory(lh));
                assertTrue(Merkle.verifyInclusion(i, n, lh.get(i), p, root), "inclusion " + i + "/" + n);
            }
            for (int m = 1; m <= n; m++) {
                List<byte[]> p = Merkle.resolve(Merkle.consistencyRanges(m, n), Merkle.inMemory(lh));
                assertTrue(Merkle.verifyConsistency(m, n, p, roots.get(m - 1), root), "consistency " + m + "->" + n);
                if (m < n) {
                    assertFalse(Merkle.verifyConsistency(m, n, p, roots.get(n - 1), root));
                }
            }
        }
    }

    private static List<String> hexes(List<byte[]> hashes) {
        List<String> out = new ArrayList<>();
        for (byte[] b : hashes) {
            out.add(HEX.formatHex(b));
        }
        return out;
    }
}
