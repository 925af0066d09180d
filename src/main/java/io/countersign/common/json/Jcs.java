package io.countersign.common.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * Appends the canonical JSON text of the value starting at the parser's current token
     * and leaves the parser on that value's last token: the same text {@link #write(JsonNode,
     * StringBuilder)} gives for the tree Jackson would build from those tokens (numbers read
     * as the tree's int, long, BigInteger or double nodes read them), without building the
     * tree. For hot paths such as the offline audit verifier. Members are written in input
     * order and only an object whose members are out of order is rearranged. Throws
     * IllegalArgumentException on a duplicate member name (which a tree could not hold), a
     * lone surrogate or a non-finite number.
     */
    public static void write(JsonParser p, StringBuilder sb) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IllegalArgumentException("no JSON value");
        }
        switch (t) {
            case START_OBJECT -> writeObject(p, sb);
            case START_ARRAY -> {
                sb.append('[');
                boolean first = true;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    write(p, sb);
                }
                sb.append(']');
            }
            case VALUE_STRING -> writeString(p.getText(), sb);
            case VALUE_NUMBER_INT -> {
                double d = switch (p.getNumberType()) {
                    case INT, LONG -> (double) p.getLongValue();
                    default -> p.getBigIntegerValue().doubleValue();
                };
                sb.append(number(d));
            }
            case VALUE_NUMBER_FLOAT -> sb.append(number(p.getDoubleValue(), p.getText()));
            case VALUE_TRUE -> sb.append(true);
            case VALUE_FALSE -> sb.append(false);
            case VALUE_NULL -> sb.append("null");
            default -> throw new IllegalArgumentException("Not representable in JSON: " + t);
        }
    }

    private static void writeObject(JsonParser p, StringBuilder sb) throws IOException {
        int open = sb.length();
        sb.append('{');
        List<String> names = new ArrayList<>();
        int[] starts = new int[8]; // where member i's "name":value begins (after its comma)
        boolean sorted = true;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            if (!names.isEmpty()) {
                int c = names.get(names.size() - 1).compareTo(name);
                if (c == 0) {
                    throw new IllegalArgumentException("Duplicate member name: " + name);
                }
                sorted &= c < 0;
                sb.append(',');
            }
            if (names.size() == starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
            }
            starts[names.size()] = sb.length();
            names.add(name);
            writeString(name, sb);
            sb.append(':');
            p.nextToken();
            write(p, sb);
        }
        if (!sorted) {
            int n = names.size();
            String members = sb.substring(open);
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> names.get(a).compareTo(names.get(b)));
            sb.setLength(open + 1);
            for (int i = 0; i < n; i++) {
                int m = order[i];
                if (i > 0) {
                    if (names.get(order[i - 1]).equals(names.get(m))) {
                        throw new IllegalArgumentException("Duplicate member name: " + names.get(m));
                    }
                    sb.append(',');
                }
                int end = m + 1 < n ? starts[m + 1] - 1 : members.length() + open;
                sb.append(members, starts[m] - open, end - open);
            }
        }
        sb.append('}');
    }

    /** {@code text} as a decimal without trailing zeros when it has at most 15 significant digits and is {@code x}; else null. */
    private static BigDecimal shortDecimal(String text, double x) {
        BigDecimal d;
        try {
            d = new BigDecimal(text).stripTrailingZeros();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
        return d.precision() <= 15 && d.signum() > 0 && d.doubleValue() == x ? d : null;
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
        return number(x, null);
    }

    /**
     * {@link #number(double)} where {@code text} (nullable) is the JSON number text {@code x}
     * was parsed from: when that text has at most 15 significant digits it is already the
     * shortest round-tripping decimal (two different decimals of at most 15 digits are
     * further apart than any double's rounding interval, for normal doubles), so the search
     * below is skipped.
     */
    private static String number(double x, String text) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("NaN and Infinity are not JSON numbers");
        }
        if (x == 0) {
            return "0"; // also -0
        }
        if (x < 0) {
            return "-" + number(-x, text != null && text.startsWith("-") ? text.substring(1) : null);
        }
        if (x == Math.rint(x) && x < MAX_EXACT_INTEGER) {
            return Long.toString((long) x);
        }
        BigDecimal shortest = text == null || x < Double.MIN_NORMAL ? null : shortDecimal(text, x);
        if (shortest == null) {
            // Shortest decimal that round-trips; among equally short ones, the closest.
            BigDecimal exact = new BigDecimal(x);
            for (int p = 1; p <= 17; p++) {
                BigDecimal candidate = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
                if (candidate.doubleValue() == x) {
                    shortest = candidate;
                    break;
                }
            }
            shortest = shortest.stripTrailingZeros();
        }
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
