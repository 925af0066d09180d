package io.countersign.audit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.audit.AuditCodec;
import io.countersign.audit.ChainVerifier;
import io.countersign.common.json.Jcs;
import io.countersign.common.json.JsonSupport;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The verifier's token-stream fast path must decide every event line exactly as the tree
 * path ({@code Pipeline.record}) does, or hand the line to it.
 */
class EventLinesTest {

    private static final String PREV = AuditCodec.GENESIS_HASH;

    /** An event line whose hash is right for {@code data} (JSON text, as written in the export). */
    private static String line(long seq, String dataJson) throws Exception {
        JsonNode data = JsonSupport.MAPPER.readTree(dataJson);
        String hash = AuditCodec.chainHash(PREV, AuditCodec.canonicalEvent(seq, "2026-01-01T00:00:00.007Z", "AGENT", "agent-1",
                null, "action.submitted", data));
        return "{\"kind\":\"event\",\"seq\":" + seq + ",\"ts\":\"2026-01-01T00:00:00.007Z\",\"actorKind\":\"AGENT\","
                + "\"actorId\":\"agent-1\",\"requestId\":null,\"type\":\"action.submitted\",\"data\":" + dataJson
                + ",\"prevHash\":\"" + PREV + "\",\"hash\":\"" + hash + "\"}";
    }

    private static ChainVerifier.Prepared fast(String line) {
        byte[] b = ("x\n" + line + "\n").getBytes(StandardCharsets.UTF_8);
        return EventLines.prepare(AuditCodec.sha256(), b, 2, b.length - 1);
    }

    private static ChainVerifier.Prepared tree(String line) throws Exception {
        JsonNode n = JsonSupport.MAPPER.readTree(line);
        return ChainVerifier.prepare(AuditCodec.sha256(), VerifyAuditCommand.version(n), n.path("seq").asLong(-1), text(n, "ts"),
                text(n, "actorKind"), text(n, "actorId"), text(n, "agentId"), text(n, "requestId"), text(n, "type"),
                n.hasNonNull("data") ? n.get("data") : null, text(n, "prevHash"), text(n, "hash"));
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
    }

    private static void assertSame(ChainVerifier.Prepared expected, ChainVerifier.Prepared actual) {
        assertNotNull(actual);
        assertEquals(expected.seq(), actual.seq());
        assertEquals(expected.prevHash(), actual.prevHash());
        assertEquals(expected.hash(), actual.hash());
        assertArrayEquals(expected.leafHash(), actual.leafHash());
        assertEquals(expected.problem(), actual.problem());
        assertEquals(expected.missingField(), actual.missingField());
    }

    @Test
    void plainEventLinesGetTheTreePathsOutcome() throws Exception {
        List<String> data = List.of("{}", "[]", "\"text\"", "42", "-0.0", "true", "{\"b\":1,\"a\":[1,2.5,{\"d\":null,\"c\":\"x\"}]}",
                "{\"z\":\"\\u00e9\\ud83d\\ude00 \\\"q\\\" \\t\\u001f\",\"\\u00e9\":1,\"e\":2}", "{\"n\":1e21,\"m\":1E-7,\"k\":0.000001}",
                "{\"big\":123456789012345678901234567890,\"neg\":-9007199254740993,\"f\":0.1,\"g\":1.10,\"h\":100.0}",
                "{\"long\":1.0000000000000002,\"x\":5e-324,\"y\":1.7976931348623157e308,\"w\":2.2250738585072014E-308}");
        long seq = 1;
        for (String d : data) {
            String ok = line(seq++, d);
            assertSame(tree(ok), fast(ok));
            // an altered value must fail the same way
            String altered = ok.replace("\"data\":", "\"data\":{\"added\":1,\"was\":").replace(",\"prevHash\"", "},\"prevHash\"");
            assertSame(tree(altered), fast(altered));
            assertNull(tree(altered).leafHash());
        }
    }

    @Test
    void missingOrNullFieldsAndBadHexAreReportedAsTheTreePathDoes() throws Exception {
        String ok = line(7, "{\"a\":1}");
        for (String l : List.of(ok.replace(",\"ts\":\"2026-01-01T00:00:00.007Z\"", ""), ok.replace("\"data\":{\"a\":1}", "\"data\":null"),
                ok.replace("\"actorId\":\"agent-1\"", "\"actorId\":null"), ok.replace("\"prevHash\":\"0000", "\"prevHash\":\"zz00"),
                ok.replace("\"hash\":\"", "\"hash\":\"A"), ok.replace("agent-1", "agent-\\ud800"))) {
            assertSame(tree(l), fast(l));
        }
    }

    @Test
    void unusualLinesAreLeftToTheTreePath() throws Exception {
        String ok = line(3, "{\"a\":1}");
        for (String l : List.of(ok.replace("\"kind\":\"event\"", "\"kind\":\"checkpoint\""), ok.replace("\"seq\":3", "\"seq\":\"3\""),
                ok.replace("\"seq\":3", "\"seq\":30000000000000000000000"), ok.replace(",\"seq\":3", ""),
                ok.replace("\"ts\":\"2026-01-01T00:00:00.007Z\"", "\"ts\":17"), ok.replace("{\"kind\"", "{\"extra\":1,\"kind\""),
                ok.replace("{\"kind\":\"event\"", "{\"kind\":\"event\",\"kind\":\"event\""),
                ok.replace("\"data\":{\"a\":1}", "\"data\":{\"a\":1,\"a\":2}"), ok.replace("\"data\":{\"a\":1}", "\"data\":{\"b\":0,\"a\":1,\"b\":2}"),
                ok.replace("\"data\":{\"a\":1}", "\"data\":{\"a\":1e400}"), ok + " {}", ok.substring(0, ok.length() - 1), "[1,2]",
                ok.replace("\"data\":{\"a\":1}", "\"data\":" + "[".repeat(70) + "]".repeat(70)))) {
            assertNull(fast(l), l);
        }
    }

    @Test
    void streamingCanonicalFormEqualsTheTreeCanonicalFormForRandomDocuments() throws Exception {
        Random rnd = new Random(20261126);
        for (int i = 0; i < 3000; i++) {
            String json = randomValue(rnd, 0);
            String expected = Jcs.canonicalize(JsonSupport.MAPPER.readTree(json));
            try (JsonParser p = JsonSupport.MAPPER.getFactory().createParser(json)) {
                p.nextToken();
                StringBuilder sb = new StringBuilder();
                Jcs.write(p, sb);
                assertEquals(expected, sb.toString(), json);
            }
        }
    }

    private static String randomValue(Random rnd, int depth) {
        int k = depth > 3 ? 3 + rnd.nextInt(5) : rnd.nextInt(8);
        switch (k) {
            case 0, 1 -> {
                StringBuilder sb = new StringBuilder("{");
                int n = rnd.nextInt(6);
                for (int j = 0; j < n; j++) {
                    sb.append(j > 0 ? "," : "").append('"').append("k").append((char) ('a' + rnd.nextInt(26))).append(j).append("\":")
                            .append(randomValue(rnd, depth + 1));
                }
                return sb.append('}').toString();
            }
            case 2 -> {
                StringBuilder sb = new StringBuilder("[");
                int n = rnd.nextInt(4);
                for (int j = 0; j < n; j++) {
                    sb.append(j > 0 ? "," : "").append(randomValue(rnd, depth + 1));
                }
                return sb.append(']').toString();
            }
            case 3 -> {
                double d = Double.longBitsToDouble(rnd.nextLong());
                return Double.isFinite(d) ? Double.toString(d) : "0.5";
            }
            case 4 -> {
                // short decimals in several spellings: the canonical form must not depend on the spelling
                BigDecimal b = BigDecimal.valueOf(rnd.nextInt(2_000_000) - 1_000_000, rnd.nextInt(12));
                return switch (rnd.nextInt(3)) {
                    case 0 -> b.toPlainString();
                    case 1 -> b.toString().replace("E+", "e");
                    default -> b.toPlainString() + (b.scale() > 0 ? "000" : ".000");
                };
            }
            case 5 -> {
                return Long.toString(rnd.nextLong() >> rnd.nextInt(64));
            }
            case 6 -> {
                return rnd.nextBoolean() ? "true" : "null";
            }
            default -> {
                StringBuilder sb = new StringBuilder("\"");
                int n = rnd.nextInt(8);
                for (int j = 0; j < n; j++) {
                    int c = rnd.nextInt(6);
                    sb.append(switch (c) {
                        case 0 -> "\\u00e9";
                        case 1 -> "\\n\\\"";
                        case 2 -> "\\ud83d\\ude00";
                        case 3 -> "\\u0001";
                        default -> "ab<&";
                    });
                }
                return sb.append('"').toString();
            }
        }
    }
}
