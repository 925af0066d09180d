package io.countersign.audit.witness;

import io.countersign.audit.SignedNote;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature) {@code cosignature/v1} with
 * Ed25519: the signature line {@code — <name> base64(keyID || u64 time || signature)} over
 * {@code "cosignature/v1\ntime <unix seconds>\n" || checkpoint body}, keyID =
 * SHA-256(name || "\n" || 0x04 || public key)[:4]. Plain JDK crypto, shared by the witness,
 * the server and the offline verifier.
 */
public final class Cosignature {

    /** Signature type of Ed25519 cosignature/v1 in key IDs and verifier keys. */
    static final byte ALG_COSIGNATURE_V1 = 0x04;
    private static final String SIG_PREFIX = "\u2014 ";

    private Cosignature() {
    }

    /** A witness's public key: name, 4-byte key ID and raw Ed25519 key (vkey {@code name+hexid+base64(0x04||key)}). */
    public record CosignerKey(String name, byte[] keyId, byte[] publicKey) {

        /** Parses a vkey {@code <name>+<hex keyID>+<base64(0x04 || key)>}; throws IllegalArgumentException. */
        public static CosignerKey parse(String vkey) {
            String[] parts = vkey.trim().split("\\+", 3);
            if (parts.length != 3 || parts[0].isEmpty()) {
                throw new IllegalArgumentException("witness key must be name+keyid+key");
            }
            byte[] raw = Base64.getDecoder().decode(parts[2]);
            if (raw.length != 33 || raw[0] != ALG_COSIGNATURE_V1) {
                throw new IllegalArgumentException("witness key must be an Ed25519 cosignature/v1 key (type 0x04)");
            }
            byte[] key = Arrays.copyOfRange(raw, 1, 33);
            byte[] id = HexFormat.of().parseHex(parts[1]);
            if (!Arrays.equals(id, Cosignature.keyId(parts[0], key))) {
                throw new IllegalArgumentException("witness key ID does not match its key");
            }
            return new CosignerKey(parts[0], id, key);
        }

        /** The vkey text form. */
        public String format() {
            byte[] raw = new byte[33];
            raw[0] = ALG_COSIGNATURE_V1;
            System.arraycopy(publicKey, 0, raw, 1, 32);
            return name + "+" + HexFormat.of().formatHex(keyId) + "+" + Base64.getEncoder().encodeToString(raw);
        }
    }

    /** A verified cosignature: which witness, when (unix seconds) and its signature line. */
    public record Verified(CosignerKey key, long time, String line) {
    }

    /** keyID = SHA-256(name || "\n" || 0x04 || publicKey)[:4]. */
    public static byte[] keyId(String name, byte[] rawPublicKey) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update((byte) '\n');
            md.update(ALG_COSIGNATURE_V1);
            md.update(rawPublicKey);
            return Arrays.copyOf(md.digest(), 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The signed message: header line, time line, then the checkpoint body (ending in a newline). */
    static byte[] message(long time, String checkpointText) {
        return ("cosignature/v1\ntime " + time + "\n" + checkpointText).getBytes(StandardCharsets.UTF_8);
    }

    /** Cosigns a checkpoint body at {@code time}; returns the signature line (ending in a newline). */
    public static String sign(String name, byte[] keyId, PrivateKey key, long time, String checkpointText) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message(time, checkpointText));
            byte[] sig = s.sign();
            ByteBuffer blob = ByteBuffer.allocate(4 + 8 + sig.length);
            blob.put(keyId).putLong(time).put(sig);
            return SIG_PREFIX + name + " " + Base64.getEncoder().encodeToString(blob.array()) + "\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /**
     * The valid cosignatures on a note by the given witnesses (at most one per witness); lines of
     * other keys, and lines of these keys that do not verify, are ignored. Throws
     * IllegalArgumentException when the note itself is malformed.
     */
    public static List<Verified> verified(String note, List<CosignerKey> witnesses) {
        SignedNote.Parsed p = SignedNote.parse(note);
        List<Verified> out = new ArrayList<>();
        for (CosignerKey k : witnesses) {
            for (SignedNote.NoteSignature sig : p.signatures()) {
                if (!k.name().equals(sig.name()) || !Arrays.equals(k.keyId(), sig.keyId()) || sig.signature().length != 8 + 64) {
                    continue;
                }
                long time = ByteBuffer.wrap(sig.signature(), 0, 8).getLong();
                byte[] ed = Arrays.copyOfRange(sig.signature(), 8, sig.signature().length);
                if (time >= 0 && SignedNote.ed25519Verify(k.publicKey(), message(time, p.text()), ed)) {
                    out.add(new Verified(k, time, line(sig)));
                    break;
                }
            }
        }
        return out;
    }

    /** The note with the extra signature lines appended to its signature block (duplicates skipped). */
    public static String withSignatures(String note, List<String> lines) {
        StringBuilder sb = new StringBuilder(note);
        for (String l : lines) {
            String line = l.endsWith("\n") ? l : l + "\n";
            if (!note.contains(line)) {
                sb.append(line);
            }
        }
        return sb.toString();
    }

    private static String line(SignedNote.NoteSignature sig) {
        byte[] blob = new byte[4 + sig.signature().length];
        System.arraycopy(sig.keyId(), 0, blob, 0, 4);
        System.arraycopy(sig.signature(), 0, blob, 4, sig.signature().length);
        return SIG_PREFIX + sig.name() + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    }
}
