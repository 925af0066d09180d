package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignedNoteTest {

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
}
