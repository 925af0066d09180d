package io.countersign.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    private AuditCodec() {
    }

    /** Timestamps are hashed as ISO-8601 UTC text with millisecond precision. */
    public static String formatTs(Instant ts) {
        return DateTimeFormatter.ISO_INSTANT.format(ts);
    }

    /** The canonical (RFC 8785) text of one event, the bytes the chain hash covers. */
    public static String canonicalEvent(long seq, String ts, String actorKind, String actorId, String requestId,
            String type, JsonNode data) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("seq", seq);
        n.put("ts", ts);
        n.put("actorKind", actorKind);
        n.put("actorId", actorId);
        if (requestId == null) {
            n.putNull("requestId");
        } else {
            n.put("requestId", requestId);
        }
        n.put("type", type);
        n.set("data", data);
        return Jcs.canonicalize(n);
    }

    /** hex(SHA-256(prevHash bytes || canonical UTF-8 bytes)). */
    public static String chainHash(String prevHashHex, String canonicalEvent) {
        MessageDigest md = sha256();
        md.update(HEX.parseHex(prevHashHex));
        md.update(canonicalEvent.getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(md.digest());
    }

    /** Lower-case hex. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Parses lower- or upper-case hex. */
    public static byte[] unhex(String hex) {
        return HEX.parseHex(hex);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
