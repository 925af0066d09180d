package io.countersign.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme: object members sorted by UTF-16 code units, no
 * insignificant whitespace, strings escaped as ECMAScript's JSON.stringify does and numbers
 * serialized as IEEE-754 doubles the way ECMAScript's Number.prototype.toString does.
 */
public final class Jcs {

    private static final double MAX_EXACT_INTEGER = 9007199254740992d; // 2^53

    private Jcs() {
    }

    /** The canonical JSON text of {@code node}. */
    public static String canonicalize(JsonNode node) {
        StringBuilder sb = new StringBuilder(256);
        write(node, sb);
        return sb.toString();
    }

    /** The canonical JSON of {@code node} as UTF-8 bytes. */
    public static byte[] canonicalBytes(JsonNode node) {
        return canonicalize(node).getBytes(StandardCharsets.UTF_8);
    }

    /** Lower-case hex SHA-256 over the canonical UTF-8 bytes of {@code node}. */
    public static String sha256Hex(JsonNode node) {
        return sha256Hex(canonicalBytes(node));
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Appends the canonical JSON text of {@code node} to {@code sb} (for callers assembling a larger canonical text). */
    public static void write(JsonNode node, StringBuilder sb) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>(node.size());
                for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                    names.add(it.next());
                }
                names.sort(null); // String.compareTo compares UTF-16 code units, as RFC 8785 requires
                sb.append('{');
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    writeString(names.get(i), sb);
                    sb.append(':');
                    write(node.get(names.get(i)), sb);
                }
                sb.append('}');
            }
            case ARRAY -> {
                sb.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(node.get(i), sb);
                }
                sb.append(']');
            }
            case STRING -> writeString(node.textValue(), sb);
            case NUMBER -> sb.append(number(node.doubleValue()));
            case BOOLEAN -> sb.append(node.booleanValue());
            case NULL -> sb.append("null");
            default -> throw new IllegalArgumentException("Not representable in JSON: " + node.getNodeType());
        }
    }

    /** For building canonical JSON from Java maps without a JsonNode (audit data, tests). */
    public static String canonicalizeMap(Map<String, ?> map) {
        return canonicalize((JsonNode) JsonSupport.MAPPER.valueToTree(map));
    }

    /** Appends {@code s} as a canonical JSON string literal; throws IllegalArgumentException on a lone surrogate. */
    public static void writeString(String s, StringBuilder sb) {
        sb.append('"');
        int plain = 0; // most strings need no escaping: append them in one go
        while (plain < s.length()) {
            char c = s.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                break;
            }
            plain++;
        }
        if (plain == s.length()) {
            sb.append(s).append('"');
            return;
        }
        sb.append(s, 0, plain);
        for (int i = plain; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                            throw new IllegalArgumentException("Lone surrogate in string (not I-JSON)");
                        }
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isLowSurrogate(c)) {
                        throw new IllegalArgumentException("Lone surrogate in string (not I-JSON)");
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** ECMAScript Number::toString for a finite double (ECMA-262, 7.1.12.1). */
    static String number(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("NaN and Infinity are not JSON numbers");
        }
        if (x == 0) {
            return "0"; // also -0
        }
        if (x < 0) {
            return "-" + number(-x);
        }
        if (x == Math.rint(x) && x < MAX_EXACT_INTEGER) {
            return Long.toString((long) x);
        }
        // Shortest decimal that round-trips; among equally short ones, the closest.
        BigDecimal exact = new BigDecimal(x);
        BigDecimal shortest = null;
        for (int p = 1; p <= 17; p++) {
            BigDecimal candidate = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == x) {
                shortest = candidate;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale();
        StringBuilder sb = new StringBuilder(24);
        if (k <= n && n <= 21) {
            sb.append(digits);
            sb.append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            sb.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return sb.toString();
    }
}
