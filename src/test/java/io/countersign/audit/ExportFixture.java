package io.countersign.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.audit.merkle.CompactRange;
import io.countersign.audit.merkle.Merkle;
import io.countersign.common.json.JsonSupport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * Writes a valid, contiguous JSON Lines audit export of synthetic events (same layout as
 * {@link AuditExporter#writeJsonl}) without a server or database, signed with a fresh
 * Ed25519 key: for verifier tests and for measuring {@code verify-audit} on large exports.
 * {@code main(out.jsonl, events[, checkpointEvery])} prints the note verifier key.
 */
public final class ExportFixture {

    /** The key that signed the export's checkpoints. */
    public final SignedNote.VerifierKey key;
    private final KeyPair pair;
    private final String origin;
    private long bigSeq = -1;
    private int bigChars;
    private long formatTwoFrom = Long.MAX_VALUE;

    public ExportFixture(String origin) {
        this.origin = origin;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] enc = pair.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(enc, enc.length - 32, enc.length);
        key = new SignedNote.VerifierKey(origin, SignedNote.keyId(origin, raw), raw);
    }

    /** Gives event {@code seq} a data string of {@code chars} characters (a line longer than the verifier's read buffer). */
    public ExportFixture bigEvent(long seq, int chars) {
        bigSeq = seq;
        bigChars = chars;
        return this;
    }

    /** Writes events from {@code seq} on in event format 2 (with agentId), the ones before in format 1: a trail upgraded mid-way. */
    public ExportFixture formatTwoFrom(long seq) {
        formatTwoFrom = seq;
        return this;
    }

    /** Writes events 1..events with a checkpoint after every {@code checkpointEvery} and a covering one at the end. */
    public void write(Path file, long events, long checkpointEvery) throws IOException {
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            w.write("{\"kind\":\"header\",\"format\":\"" + AuditExporter.FORMAT + "\",\"origin\":\"" + origin
                    + "\",\"filtered\":false,\"fromSeq\":1,\"toSeq\":" + events + ",\"prevHash\":\"" + AuditCodec.GENESIS_HASH
                    + "\",\"frontier\":{\"size\":0,\"nodes\":[]}}\n");
            CompactRange range = new CompactRange();
            String prev = AuditCodec.GENESIS_HASH;
            Long previousCheckpoint = null;
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            for (long seq = 1; seq <= events; seq++) {
                String ts = AuditCodec.formatTs(t0.plusMillis(seq * 7));
                String requestId = seq % 5 == 0 ? null : new UUID(seq, seq * 31).toString();
                String type = seq % 3 == 0 ? "action.approved" : "action.submitted";
                JsonNode data = data(seq);
                if (seq == bigSeq) {
                    ((ObjectNode) data).put("attachment", "x".repeat(bigChars));
                }
                int format = seq >= formatTwoFrom ? AuditCodec.FORMAT_2 : AuditCodec.FORMAT_1;
                String agent = "agent-" + (seq % 8);
                String hash = AuditCodec.chainHash(prev,
                        AuditCodec.canonicalEvent(format, seq, ts, "AGENT", agent, agent, requestId, type, data));
                ObjectNode line = JsonSupport.MAPPER.createObjectNode();
                line.put("kind", "event").put("seq", seq);
                if (format == AuditCodec.FORMAT_2) {
                    line.put("v", format);
                }
                line.put("ts", ts).put("actorKind", "AGENT").put("actorId", agent);
                if (format == AuditCodec.FORMAT_2) {
                    line.put("agentId", agent);
                }
                line.put("requestId", requestId).put("type", type);
                line.set("data", data);
                line.put("prevHash", prev).put("hash", hash);
                w.write(JsonSupport.MAPPER.writeValueAsString(line));
                w.write('\n');
                range.append(Merkle.leafHash(AuditCodec.unhex(hash)));
                prev = hash;
                if (seq % checkpointEvery == 0 || seq == events) {
                    String note = SignedNote.sign(new Checkpoint(origin, seq, range.root(), t0.plusMillis(seq * 7 + 1),
                            previousCheckpoint).text(), origin, key.keyId(), pair.getPrivate());
                    previousCheckpoint = seq;
                    ObjectNode cp = JsonSupport.MAPPER.createObjectNode();
                    if (seq % checkpointEvery == 0) {
                        cp.put("kind", "checkpoint").put("treeSize", seq).put("note", note);
                        w.write(JsonSupport.MAPPER.writeValueAsString(cp) + "\n");
                    }
                    if (seq == events) {
                        cp = JsonSupport.MAPPER.createObjectNode();
                        cp.put("kind", "covering").put("fromSize", seq).put("treeSize", seq).putArray("proof");
                        cp.put("note", note);
                        w.write(JsonSupport.MAPPER.writeValueAsString(cp) + "\n");
                    }
                }
            }
            w.write("{\"kind\":\"end\",\"events\":" + events + "}\n");
        }
    }

    /** About 440 characters of data, like a real fast-path decision event. */
    private static JsonNode data(long seq) {
        ObjectNode d = JsonSupport.MAPPER.createObjectNode();
        d.put("agentId", "agent-" + (seq % 8));
        d.put("status", seq % 2 == 0 ? "APPROVED" : "DENIED");
        d.put("actionType", "db.migration");
        d.put("target", "db://orders/prod/schema-" + (seq % 97));
        d.put("environment", "production");
        d.put("risk", (seq % 10) / 10.0);
        d.put("payloadSha256", AuditCodec.hex(java.nio.ByteBuffer.allocate(32).putLong(seq).array()));
        ObjectNode policy = d.putObject("policy");
        policy.put("rule", "low-risk-auto-approve");
        policy.put("version", 3);
        policy.put("reason", seq % 10 == 0 ? "Escapes: \"quoted\" <text> & \u00e9 \ud83d\ude00 tab\t" : "Risk below 0.3 and target outside the payment schema");
        d.putArray("approvers").add("policy");
        d.put("idempotencyKey", "idem-" + seq);
        return d;
    }

    public static void main(String[] args) throws IOException {
        ExportFixture f = new ExportFixture("countersign.bench/audit");
        f.write(Path.of(args[0]), Long.parseLong(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 1000);
        System.out.println(f.key.format());
    }
}
