package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.common.json.Jcs;
import io.countersign.common.json.JsonSupport;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written canonical event must be byte for byte what RFC 8785 over the event object gives. */
class AuditCodecTest {

    private static String viaTree(long seq, String ts, String actorKind, String actorId, String requestId, String type, JsonNode data) {
        ObjectNode n = JsonSupport.MAPPER.createObjectNode();
        n.put("seq", seq).put("ts", ts).put("actorKind", actorKind).put("actorId", actorId).put("requestId", requestId).put("type", type);
        n.set("data", data);
        return Jcs.canonicalize(n);
    }

    private static final String[] STRINGS = { "", "plain", "q\"uote", "back\\slash", "tab\tnew\nline\r", "\u0001\u001f ctl",
        "caf\u00e9", "\u20ac sign", "emoji \ud83d\ude00", "</script>", "\u007f\u0080\u2028" };

    @Test
    void canonicalEventMatchesRfc8785OverTheEventObject() throws Exception {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            String s1 = STRINGS[r.nextInt(STRINGS.length)];
            String s2 = STRINGS[r.nextInt(STRINGS.length)];
            ObjectNode data = JsonSupport.MAPPER.createObjectNode();
            data.put(s2, s1).put("n", r.nextDouble() * 1e6).put("i", r.nextLong()).putArray("a").add(s1).add(r.nextInt());
            data.putObject("z" + s1).put("b", r.nextBoolean()).putNull("nothing");
            long seq = i == 0 ? (1L << 53) + 1 : r.nextInt(1 << 30);
            String requestId = r.nextBoolean() ? null : "req-" + s1;
            assertEquals(viaTree(seq, "2026-01-01T00:00:00.123Z", "AGENT", s1, requestId, "t" + s2, data),
                    AuditCodec.canonicalEvent(seq, "2026-01-01T00:00:00.123Z", "AGENT", s1, requestId, "t" + s2, data));
        }
    }

    @Test
    void loneSurrogatesAreRefusedAsBefore() {
        ObjectNode data = JsonSupport.MAPPER.createObjectNode();
        assertThrows(IllegalArgumentException.class, () -> AuditCodec.canonicalEvent(1, "ts", "AGENT", "a\ud800", null, "t", data));
        data.put("x", "\udc00");
        assertThrows(IllegalArgumentException.class, () -> AuditCodec.canonicalEvent(1, "ts", "AGENT", "a", null, "t", data));
    }
}
