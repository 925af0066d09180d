package io.countersign.common.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JcsTest {

    private static JsonNode parse(String json) throws Exception {
        return JsonSupport.MAPPER.readTree(json);
    }

    @Test
    void serializesNumbersAsEcmaScriptDoes() {
        // Vectors from RFC 8785 appendix B (IEEE-754 hex -> expected text).
        assertEquals("0", Jcs.number(Double.longBitsToDouble(0x0000000000000000L)));
        assertEquals("0", Jcs.number(Double.longBitsToDouble(0x8000000000000000L)));
        assertEquals("5e-324", Jcs.number(Double.longBitsToDouble(0x0000000000000001L)));
        assertEquals("-5e-324", Jcs.number(Double.longBitsToDouble(0x8000000000000001L)));
        assertEquals("1.7976931348623157e+308", Jcs.number(Double.longBitsToDouble(0x7fefffffffffffffL)));
        assertEquals("-1.7976931348623157e+308", Jcs.number(Double.longBitsToDouble(0xffefffffffffffffL)));
        assertEquals("9007199254740992", Jcs.number(Double.longBitsToDouble(0x4340000000000000L)));
        assertEquals("-9007199254740992", Jcs.number(Double.longBitsToDouble(0xc340000000000000L)));
        assertEquals("295147905179352830000", Jcs.number(Double.longBitsToDouble(0x4430000000000000L)));
        assertEquals("9.999999999999997e+22", Jcs.number(Double.longBitsToDouble(0x44b52d02c7e14af5L)));
        assertEquals("1e+23", Jcs.number(Double.longBitsToDouble(0x44b52d02c7e14af6L)));
        assertEquals("1.0000000000000001e+23", Jcs.number(Double.longBitsToDouble(0x44b52d02c7e14af7L)));
        assertEquals("999999999999999700000", Jcs.number(Double.longBitsToDouble(0x444b1ae4d6e2ef4eL)));
        assertEquals("999999999999999900000", Jcs.number(Double.longBitsToDouble(0x444b1ae4d6e2ef4fL)));
        assertEquals("1e+21", Jcs.number(Double.longBitsToDouble(0x444b1ae4d6e2ef50L)));
        assertEquals("9.999999999999997e-7", Jcs.number(Double.longBitsToDouble(0x3eb0c6f7a0b5ed8cL)));
        assertEquals("0.000001", Jcs.number(Double.longBitsToDouble(0x3eb0c6f7a0b5ed8dL)));
        assertEquals("333333333.3333332", Jcs.number(Double.longBitsToDouble(0x41b3de4355555553L)));
        assertEquals("333333333.33333325", Jcs.number(Double.longBitsToDouble(0x41b3de4355555554L)));
        assertEquals("333333333.3333333", Jcs.number(Double.longBitsToDouble(0x41b3de4355555555L)));
        assertEquals("333333333.3333334", Jcs.number(Double.longBitsToDouble(0x41b3de4355555556L)));
        assertEquals("333333333.33333343", Jcs.number(Double.longBitsToDouble(0x41b3de4355555557L)));
        assertEquals("-0.0000033333333333333333", Jcs.number(Double.longBitsToDouble(0xbecbf647612f3696L)));
        assertEquals("1424953923781206.2", Jcs.number(Double.longBitsToDouble(0x43143ff3c1cb0959L)));
    }

    @Test
    void canonicalizesTheRfcSampleObject() throws Exception {
        String input = """
                {
                  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
                  "literals": [null, true, false]
                }""";
        assertEquals("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", Jcs.canonicalize(parse(input)));
    }

    @Test
    void sortsKeysByUtf16CodeUnits() throws Exception {
        String input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
        String keys = Jcs.canonicalize(parse(input)).replaceAll(":\"[^\"]*\"", "");
        assertEquals("{\"\\r\",\"1\",\"\u0080\",\"\u00f6\",\"\u20ac\",\"\ud83d\ude00\",\"\ufb33\"}", keys);
    }

    @Test
    void digestIgnoresKeyOrderAndWhitespaceButNotValues() throws Exception {
        String a = Jcs.sha256Hex(parse("{\"amount\":\"10.00\",\"to\":{\"iban\":\"DE89\",\"name\":\"X\"}}"));
        String b = Jcs.sha256Hex(parse(" { \"to\" : { \"name\":\"X\", \"iban\":\"DE89\" } ,\n \"amount\" : \"10.00\" } "));
        String c = Jcs.sha256Hex(parse("{\"amount\":\"10.01\",\"to\":{\"iban\":\"DE89\",\"name\":\"X\"}}"));
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(Jcs.sha256Hex(parse("{\"n\":1.0}")), Jcs.sha256Hex(parse("{\"n\":1}")));
        assertEquals(Jcs.sha256Hex(parse("{\"n\":1e2}")), Jcs.sha256Hex(parse("{\"n\":100}")));
    }

    @Test
    void refusesDuplicateKeysAndLoneSurrogates() {
        assertThrows(Exception.class, () -> parse("{\"a\":1,\"a\":2}"));
        assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(parse("{\"a\":\"\\ud800\"}")));
    }
}
