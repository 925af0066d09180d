package io.countersign.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.countersign.common.json.Jcs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * The one definition of what an audit event hash covers, shared by the sequencer, the
 * server-side verifier and the offline verifier: hash = SHA-256(prevHash || canonical event),
 * where the canonical event is the RFC 8785 JSON of
 * {@code {actorId, actorKind, data, requestId, seq, ts, type}}.
 */
public final class AuditCodec {

    /** The previous hash of the first event (32 zero bytes, hex). */
    public static final String GENESIS_HASH = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();
    private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();

    private AuditCodec() {
    }

    /** Timestamps are hashed as ISO-8601 UTC text with millisecond precision. */
    public static String formatTs(Instant ts) {
        return DateTimeFormatter.ISO_INSTANT.format(ts);
    }

    /**
     * The canonical (RFC 8785) text of one event, the bytes the chain hash covers. Written
     * member by member in RFC 8785 order (actorId, actorKind, data, requestId, seq, ts, type)
     * instead of building and sorting a tree: this runs once per event in the sequencer and
     * in both verifiers.
     */
    public static String canonicalEvent(long seq, String ts, String actorKind, String actorId, String requestId,
            String type, JsonNode data) {
        return canonicalEvent(seq, ts, actorKind, actorId, requestId, type, data == null ? NullNode.getInstance() : data, null);
    }

    /**
     * {@link #canonicalEvent(long, String, String, String, String, String, JsonNode)} for a
     * caller that already holds the canonical text of {@code data} (the offline verifier
     * canonicalises it straight from the export's tokens, see {@link Jcs#write(com.fasterxml.jackson.core.JsonParser,
     * StringBuilder)}).
     */
    public static String canonicalEvent(long seq, String ts, String actorKind, String actorId, String requestId,
            String type, CharSequence canonicalData) {
        return canonicalEvent(seq, ts, actorKind, actorId, requestId, type, null, canonicalData);
    }

    private static String canonicalEvent(long seq, String ts, String actorKind, String actorId, String requestId,
            String type, JsonNode data, CharSequence canonicalData) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("{\"actorId\":");
        string(actorId, sb);
        sb.append(",\"actorKind\":");
        string(actorKind, sb);
        sb.append(",\"data\":");
        if (data != null) {
            Jcs.write(data, sb);
        } else {
            sb.append(canonicalData);
        }
        sb.append(",\"requestId\":");
        string(requestId, sb);
        sb.append(",\"seq\":");
        Jcs.write(LongNode.valueOf(seq), sb);
        sb.append(",\"ts\":");
        string(ts, sb);
        sb.append(",\"type\":");
        string(type, sb);
        return sb.append('}').toString();
    }

    private static void string(String s, StringBuilder sb) {
        if (s == null) {
            sb.append("null");
        } else {
            Jcs.writeString(s, sb);
        }
    }

    /** hex(SHA-256(prevHash bytes || canonical UTF-8 bytes)). */
    public static String chainHash(String prevHashHex, String canonicalEvent) {
        return HEX.formatHex(chainHash(sha256(), prevHashHex, canonicalEvent));
    }

    /** SHA-256(prevHash bytes || canonical UTF-8 bytes) with a digest the caller reuses (not thread-safe). */
    public static byte[] chainHash(MessageDigest md, String prevHashHex, String canonicalEvent) {
        md.reset();
        md.update(HEX.parseHex(prevHashHex));
        md.update(canonicalEvent.getBytes(StandardCharsets.UTF_8));
        return md.digest();
    }

    /** True when {@code hex} is exactly the lower-case hex of {@code bytes} (what {@link #hex} gives), without building that text. */
    public static boolean isHexOf(byte[] bytes, String hex) {
        if (hex == null || hex.length() != 2 * bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (hex.charAt(2 * i) != LOWER_HEX[(bytes[i] >> 4) & 0xf] || hex.charAt(2 * i + 1) != LOWER_HEX[bytes[i] & 0xf]) {
                return false;
            }
        }
        return true;
    }

    /** Lower-case hex. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Parses lower- or upper-case hex. */
    public static byte[] unhex(String hex) {
        return HEX.parseHex(hex);
    }

    /** A new SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
