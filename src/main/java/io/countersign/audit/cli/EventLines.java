package io.countersign.audit.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.countersign.audit.AuditCodec;
import io.countersign.audit.ChainVerifier;
import io.countersign.common.json.Jcs;
import io.countersign.common.json.JsonSupport;
import java.io.IOException;
import java.security.MessageDigest;

/**
 * The offline verifier's fast path for the export's event lines: reads the line's tokens
 * once and canonicalises {@code data} straight from them ({@link Jcs#write(JsonParser,
 * StringBuilder)}) instead of building a Jackson tree, then does the same order-independent
 * checks ({@link ChainVerifier#prepareCanonical}). It only takes lines whose outcome it can
 * guarantee to be the tree path's: an object with {@code "kind":"event"}, an int or long
 * {@code seq}, an int {@code v} (absent: format 1), string or null text fields, no other or repeated members and nothing after
 * the object. Anything else (other records, malformed or unusual lines, duplicate keys,
 * nesting beyond the limit, lone surrogates) returns null and goes the tree path, which
 * decides and reports exactly as before.
 */
final class EventLines {

    /** The shared mapper's limits (nesting depth, sizes); duplicates are found while sorting members. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(JsonSupport.MAPPER.getFactory().streamReadConstraints())
            .build();

    private static final int KIND = 1;
    private static final int SEQ = 1 << 1;
    private static final int TS = 1 << 2;
    private static final int ACTOR_KIND = 1 << 3;
    private static final int ACTOR_ID = 1 << 4;
    private static final int REQUEST_ID = 1 << 5;
    private static final int TYPE = 1 << 6;
    private static final int DATA = 1 << 7;
    private static final int PREV_HASH = 1 << 8;
    private static final int HASH = 1 << 9;
    private static final int VERSION = 1 << 10;
    private static final int AGENT_ID = 1 << 11;

    private EventLines() {
    }

    /**
     * The prepared check of the event on {@code buf[from, to)}, or null when the line is not
     * a plain event line (the caller then parses it as a tree). {@code md} belongs to the
     * calling thread.
     */
    static ChainVerifier.Prepared prepare(MessageDigest md, byte[] buf, int from, int to) {
        try (JsonParser p = FACTORY.createParser(buf, from, to - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String kind = null;
            long seq = 0;
            String ts = null;
            String actorKind = null;
            String actorId = null;
            String requestId = null;
            String type = null;
            String prevHash = null;
            String hash = null;
            String agentId = null;
            int version = AuditCodec.FORMAT_1;
            boolean data = false;
            // a fresh builder per line: one that ever held a non-Latin-1 character stays UTF-16 and slows every later copy
            StringBuilder scratch = new StringBuilder(512);
            int seen = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                int member = member(p.currentName());
                if (member == 0 || (seen & member) != 0) {
                    return null;
                }
                seen |= member;
                JsonToken v = p.nextToken();
                if (member == SEQ) {
                    if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        return null;
                    }
                    seq = p.getLongValue();
                } else if (member == VERSION) {
                    if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                        return null;
                    }
                    version = p.getIntValue();
                } else if (member == DATA) {
                    if (v != JsonToken.VALUE_NULL) {
                        Jcs.write(p, scratch);
                        data = true;
                    }
                } else {
                    if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL) {
                        return null;
                    }
                    String s = v == JsonToken.VALUE_NULL ? null : p.getText();
                    switch (member) {
                        case KIND -> kind = s;
                        case TS -> ts = s;
                        case ACTOR_KIND -> actorKind = s;
                        case ACTOR_ID -> actorId = s;
                        case REQUEST_ID -> requestId = s;
                        case TYPE -> type = s;
                        case PREV_HASH -> prevHash = s;
                        case AGENT_ID -> agentId = s;
                        default -> hash = s;
                    }
                }
            }
            if (p.nextToken() != null || !"event".equals(kind) || (seen & SEQ) == 0) {
                return null;
            }
            return ChainVerifier.prepareCanonical(md, version, seq, ts, actorKind, actorId, agentId, requestId, type,
                    data ? scratch : null, prevHash, hash);
        } catch (IOException | IllegalArgumentException e) {
            return null; // malformed or unusual: the tree path reports it
        }
    }

    private static int member(String name) {
        return switch (name) {
            case "kind" -> KIND;
            case "seq" -> SEQ;
            case "ts" -> TS;
            case "actorKind" -> ACTOR_KIND;
            case "actorId" -> ACTOR_ID;
            case "requestId" -> REQUEST_ID;
            case "type" -> TYPE;
            case "data" -> DATA;
            case "prevHash" -> PREV_HASH;
            case "hash" -> HASH;
            case "v" -> VERSION;
            case "agentId" -> AGENT_ID;
            default -> 0;
        };
    }
}
