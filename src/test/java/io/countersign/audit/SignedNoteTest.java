package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.audit.SignedNote.VerifierKey;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignedNoteTest {

    /*
     * Known-answer vectors of golang.org/x/mod/sumdb/note, the implementation c2sp.org/signed-note
     * was written from (note_test.go: TestNewVerifier, TestSign, TestOpen), copied unchanged. The
     * specification's own example note publishes no verifier key, so it cannot be checked.
     */
    private static final String PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private static final String PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private static final String ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    private static final String TEXT = "If you think cryptography is the answer to your problem,\n"
            + "then you don't know what your problem is.\n";
    private static final String PETER_SIG = "\u2014 PeterNeumann "
            + "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    private static final String ENOCH_SIG = "\u2014 EnochRoot "
            + "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
    /** PKCS#8 prefix of a raw 32-byte Ed25519 private key (RFC 8410). */
    private static final byte[] PKCS8_ED25519_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    private static byte[] raw(KeyPair kp) {
        byte[] enc = kp.getPublic().getEncoded();
        return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
    }

    @Test
    void checkpointNoteRoundTripsAndVerifiesWithItsVerifierKey() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] id = SignedNote.keyId("example.org/audit", raw(kp));
        Checkpoint cp = new Checkpoint("example.org/audit", 42, new byte[32], Instant.parse("2025-01-02T03:04:05.678Z"));
        String note = SignedNote.sign(cp.text(), "example.org/audit", id, kp.getPrivate());
        assertTrue(note.startsWith("example.org/audit\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntimestamp 2025-01-02T03:04:05.678Z\n\n\u2014 example.org/audit "));
        SignedNote.VerifierKey vkey = SignedNote.VerifierKey.parse(new SignedNote.VerifierKey("example.org/audit", id, raw(kp)).format());
        String text = SignedNote.verify(note, List.of(vkey));
        Checkpoint back = Checkpoint.parseText(text);
        assertEquals(42, back.treeSize());
        assertEquals(cp.timestamp(), back.timestamp());
    }

    @Test
    void alteredNoteOrForeignKeyIsRefused() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] id = SignedNote.keyId("log", raw(kp));
        String note = SignedNote.sign("log\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "log", id, kp.getPrivate());
        SignedNote.VerifierKey good = new SignedNote.VerifierKey("log", id, raw(kp));
        assertThrows(IllegalArgumentException.class, () -> SignedNote.verify(note.replace("\n7\n", "\n8\n"), List.of(good)));
        SignedNote.VerifierKey foreign = new SignedNote.VerifierKey("log", SignedNote.keyId("log", raw(other)), raw(other));
        assertThrows(IllegalArgumentException.class, () -> SignedNote.verify(note, List.of(foreign)));
        assertThrows(IllegalArgumentException.class, () -> SignedNote.verify("no signature here\n", List.of(good)));
    }

    @Test
    void verifierKeyWithWrongIdIsRejected() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String vkey = new SignedNote.VerifierKey("log", new byte[4], raw(kp)).format();
        assertThrows(IllegalArgumentException.class, () -> SignedNote.VerifierKey.parse(vkey));
    }

    @Test
    void verifiesThePublishedSignedNoteVectors() {
        // parse checks each key ID: SHA-256(name || 0x0A || 0x01 || key)[:4]
        VerifierKey peter = VerifierKey.parse(PETER_VKEY);
        VerifierKey enoch = VerifierKey.parse(ENOCH_VKEY);
        assertEquals(PETER_VKEY, peter.format());
        assertEquals(ENOCH_VKEY, enoch.format());

        assertEquals(TEXT, SignedNote.verify(TEXT + "\n" + PETER_SIG, List.of(peter)));
        assertEquals(TEXT, SignedNote.verify(TEXT + "\n" + ENOCH_SIG, List.of(enoch)));
        assertEquals(TEXT, SignedNote.verify(TEXT + "\n" + PETER_SIG + ENOCH_SIG, List.of(peter)),
                "a signature by an unknown key is ignored");
        assertEquals(TEXT, SignedNote.verify(TEXT + "\n" + PETER_SIG + ENOCH_SIG, List.of(enoch)));

        assertThrows(IllegalArgumentException.class, () -> SignedNote.verify(TEXT + "\n" + ENOCH_SIG, List.of(peter)));
        assertThrows(IllegalArgumentException.class,
                () -> SignedNote.verify(TEXT.replace("answer", "solution") + "\n" + PETER_SIG, List.of(peter)));
        // TestOpen's invalid signature: four base64 characters inserted into Peter's.
        assertThrows(IllegalArgumentException.class,
                () -> SignedNote.verify(TEXT + "\n" + PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60), List.of(peter)));
    }

    @Test
    void signsThePublishedVectorByteForByte() throws Exception {
        // Ed25519 is deterministic (RFC 8032): the published signer key must give the published note.
        byte[] skey = Base64.getDecoder().decode(PETER_SKEY.split("\\+", 5)[4]);
        assertEquals(33, skey.length);
        assertEquals(SignedNote.ALG_ED25519, skey[0]);
        byte[] pkcs8 = Arrays.copyOf(PKCS8_ED25519_PREFIX, PKCS8_ED25519_PREFIX.length + 32);
        System.arraycopy(skey, 1, pkcs8, PKCS8_ED25519_PREFIX.length, 32);
        PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));

        String note = SignedNote.sign(TEXT, "PeterNeumann", VerifierKey.parse(PETER_VKEY).keyId(), key);
        assertEquals(TEXT + "\n" + PETER_SIG, note);
    }
}
