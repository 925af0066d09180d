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
 * {@code {actorId, actorKind, data, requestId, seq, ts, type}} in format 1 and of
 * {@code {actorId, actorKind, agentId, data, requestId, seq, ts, type, v: 2}} in format 2
 * (docs/audit.md, "Event formats"). Every event keeps verifying under the format it was
 * sequenced in.
 */
public final class AuditCodec {

    /** The previous hash of the first event (32 zero bytes, hex). */
    public static final String GENESIS_HASH = "0".repeat(64);

    /** The first event format: agent_id is not hashed (it is derived from what is, see {@link #derivedAgentId}). */
    public static final int FORMAT_1 = 1;

    /** The current event format: also hashes the agent the event concerns and the format version. */
    public static final int FORMAT_2 = 2;

    /** The format new events are written in. */
    public static final int CURRENT_FORMAT = FORMAT_2;

    private static final HexFormat HEX = HexFormat.of();
    private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();

    private AuditCodec() {
    }

    /** Timestamps are hashed as ISO-8601 UTC text with millisecond precision. */
    public static String formatTs(Instant ts) {
        return DateTimeFormatter.ISO_INSTANT.format(ts);
    }

    /** True for the event formats this code can hash and verify. */
    public static boolean supportedFormat(int version) {
        return version == FORMAT_1 || version == FORMAT_2;
    }

    /**
     * The agent a format-1 event concerns, as the first format's {@code record} derived it (and
     * stored it, unhashed, in agent_id): the actor when it is an agent, else a non-blank
     * {@code data.agentId} of at most 255 characters. Lets the server check agent_id of
     * format-1 events against what their hash covers.
     */
    public static String derivedAgentId(String actorKind, String actorId, JsonNode data) {
        if ("AGENT".equals(actorKind)) {
            return actorId;
        }
        JsonNode a = data == null ? null : data.get("agentId");
        return a != null && a.isTextual() && !a.textValue().isBlank() && a.textValue().length() <= 255 ? a.textValue() : null;
    }

    /**
     * The canonical (RFC 8785) text of one format-1 event, the bytes the chain hash covers.
     * Written member by member in RFC 8785 order instead of building and sorting a tree: this
     * runs once per event in the sequencer and in both verifiers.
     */
    public static String canonicalEvent(long seq, String ts, String actorKind, String actorId, String requestId,
            String type, JsonNode data) {
        return canonicalEvent(FORMAT_1, seq, ts, actorKind, actorId, null, requestId, type, data);
    }

    /** The canonical text of one event of format {@code version} ({@code agentId} is ignored by format 1). */
    public static String canonicalEvent(int version, long seq, String ts, String actorKind, String actorId, String agentId,
            String requestId, String type, JsonNode data) {
        return canonicalEvent(version, seq, ts, actorKind, actorId, agentId, requestId, type,
                data == null ? NullNode.getInstance() : data, null);
    }

    /**
     * {@link #canonicalEvent(int, long, String, String, String, String, String, String, JsonNode)}
     * for a caller that already holds the canonical text of {@code data} (the offline verifier
     * canonicalises it straight from the export's tokens, see {@link Jcs#write(com.fasterxml.jackson.core.JsonParser,
     * StringBuilder)}).
     */
    public static String canonicalEvent(int version, long seq, String ts, String actorKind, String actorId, String agentId,
            String requestId, String type, CharSequence canonicalData) {
        return canonicalEvent(version, seq, ts, actorKind, actorId, agentId, requestId, type, null, canonicalData);
    }

    private static String canonicalEvent(int version, long seq, String ts, String actorKind, String actorId, String agentId,
            String requestId, String type, JsonNode data, CharSequence canonicalData) {
        if (!supportedFormat(version)) {
            throw new IllegalArgumentException("unsupported event format " + version);
        }
        StringBuilder sb = new StringBuilder(1024);
        sb.append("{\"actorId\":");
        string(actorId, sb);
        sb.append(",\"actorKind\":");
        string(actorKind, sb);
        if (version >= FORMAT_2) {
            sb.append(",\"agentId\":");
            string(agentId, sb);
        }
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
        if (version >= FORMAT_2) {
            sb.append(",\"v\":").append(version);
        }
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
