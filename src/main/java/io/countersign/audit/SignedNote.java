package io.countersign.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys: the note text, a
 * blank line, then one line per signature {@code — <name> <base64(keyID || signature)>},
 * where keyID = SHA-256(name || "\n" || 0x01 || publicKey)[:4]. Plain JDK crypto so the
 * offline verifier needs nothing else.
 */
public final class SignedNote {

    /** Signature algorithm identifier of Ed25519 in note key IDs and verifier keys. */
    static final byte ALG_ED25519 = 0x01;
    /** X.509 SubjectPublicKeyInfo prefix of a raw 32-byte Ed25519 public key. */
    static final byte[] X509_ED25519_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final String SIG_PREFIX = "\u2014 ";

    private SignedNote() {
    }

    /** One signature line of a note. */
    public record NoteSignature(String name, byte[] keyId, byte[] signature) {
    }

    /** A parsed note: the signed text (ending in a newline) and its signatures. */
    public record Parsed(String text, List<NoteSignature> signatures) {
    }

    /** A verifier key: name, 4-byte key ID and raw Ed25519 public key. */
    public record VerifierKey(String name, byte[] keyId, byte[] publicKey) {

        /** Parses {@code <name>+<hex keyID>+<base64(0x01 || key)>}. */
        public static VerifierKey parse(String vkey) {
            // The base64 key may itself contain '+': split at the first two only.
            String[] parts = vkey.trim().split("\\+", 3);
            if (parts.length != 3) {
                throw new IllegalArgumentException("note verifier key must be name+keyid+key");
            }
            byte[] raw = Base64.getDecoder().decode(parts[2]);
            if (raw.length != 33 || raw[0] != ALG_ED25519) {
                throw new IllegalArgumentException("only Ed25519 note verifier keys are supported");
            }
            byte[] key = Arrays.copyOfRange(raw, 1, 33);
            byte[] id = HexFormat.of().parseHex(parts[1]);
            if (!Arrays.equals(id, SignedNote.keyId(parts[0], key))) {
                throw new IllegalArgumentException("note verifier key ID does not match its key");
            }
            return new VerifierKey(parts[0], id, key);
        }

        /** The text form {@code <name>+<hex keyID>+<base64(0x01 || key)>}. */
        public String format() {
            byte[] raw = new byte[33];
            raw[0] = ALG_ED25519;
            System.arraycopy(publicKey, 0, raw, 1, 32);
            return name + "+" + HexFormat.of().formatHex(keyId) + "+" + Base64.getEncoder().encodeToString(raw);
        }
    }

    /** keyID = SHA-256(name || "\n" || 0x01 || publicKey)[:4]. */
    public static byte[] keyId(String name, byte[] rawPublicKey) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update((byte) '\n');
            md.update(ALG_ED25519);
            md.update(rawPublicKey);
            return Arrays.copyOf(md.digest(), 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs {@code text} (must end with a newline) and returns the complete note. */
    public static String sign(String text, String name, byte[] keyId, PrivateKey key) {
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("note text must end with a newline");
        }
        if (name.isEmpty() || name.contains("+") || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("note key name must be non-empty without '+' or spaces");
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(text.getBytes(StandardCharsets.UTF_8));
            byte[] sig = s.sign();
            byte[] blob = new byte[4 + sig.length];
            System.arraycopy(keyId, 0, blob, 0, 4);
            System.arraycopy(sig, 0, blob, 4, sig.length);
            return text + "\n" + SIG_PREFIX + name + " " + Base64.getEncoder().encodeToString(blob) + "\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Splits a note into text and signature lines; throws IllegalArgumentException when malformed. */
    public static Parsed parse(String note) {
        int split = note.lastIndexOf("\n\n");
        if (split < 0 || !note.endsWith("\n")) {
            throw new IllegalArgumentException("malformed note: no signature block");
        }
        String text = note.substring(0, split + 1);
        List<NoteSignature> sigs = new ArrayList<>();
        for (String line : note.substring(split + 2).split("\n")) {
            if (!line.startsWith(SIG_PREFIX)) {
                throw new IllegalArgumentException("malformed note signature line");
            }
            String[] parts = line.substring(SIG_PREFIX.length()).split(" ");
            if (parts.length != 2) {
                throw new IllegalArgumentException("malformed note signature line");
            }
            byte[] blob = Base64.getDecoder().decode(parts[1]);
            if (blob.length < 5) {
                throw new IllegalArgumentException("malformed note signature");
            }
            sigs.add(new NoteSignature(parts[0], Arrays.copyOf(blob, 4), Arrays.copyOfRange(blob, 4, blob.length)));
        }
        if (sigs.isEmpty()) {
            throw new IllegalArgumentException("note has no signatures");
        }
        return new Parsed(text, sigs);
    }

    /**
     * Returns the signed text when at least one signature verifies under one of {@code keys};
     * otherwise throws IllegalArgumentException saying why.
     */
    public static String verify(String note, List<VerifierKey> keys) {
        Parsed p = parse(note);
        for (NoteSignature sig : p.signatures()) {
            for (VerifierKey k : keys) {
                if (k.name().equals(sig.name()) && Arrays.equals(k.keyId(), sig.keyId())
                        && ed25519Verify(k.publicKey(), p.text().getBytes(StandardCharsets.UTF_8), sig.signature())) {
                    return p.text();
                }
            }
        }
        throw new IllegalArgumentException("no signature of a known key verifies this note");
    }

    /** Ed25519 verification over raw public key bytes. */
    public static boolean ed25519Verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(publicKey(rawPublicKey));
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A JDK public key from a raw 32-byte Ed25519 key. */
    public static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 32) {
            throw new GeneralSecurityException("Ed25519 public keys are 32 bytes");
        }
        byte[] der = new byte[X509_ED25519_PREFIX.length + 32];
        System.arraycopy(X509_ED25519_PREFIX, 0, der, 0, X509_ED25519_PREFIX.length);
        System.arraycopy(raw, 0, der, X509_ED25519_PREFIX.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    }
}
