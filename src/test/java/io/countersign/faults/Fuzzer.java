package io.countersign.faults;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates malformed input for every endpoint in {@link FaultEndpoints} from one seed and checks
 * each answer: no status >= 500, no dropped connection, and no stack trace, exception or Java
 * class name in any body. JDK only: the in-suite smoke ({@code FuzzSmokeTest}) and the long run
 * against the packaged app ({@code bench/fuzz.sh} via {@link FuzzMain}) share this code.
 */
public final class Fuzzer {

    /** Anything in a body that looks like internals: exception names, stack frames, class names. */
    static final Pattern LEAK = Pattern.compile("Exception|Caused by:|\\bat (?:io|org|java|jdk|sun|com|jakarta)\\."
            + "|org\\.hibernate|\\b(?:java|javax|jakarta|org|com|io|sun|jdk)\\.[a-z0-9_]+\\.[A-Za-z0-9_$.]*[A-Z]"
            + "|\\b\\w+Error\\b|SQLState|StreamReadConstraints|\\bat \\[Source");

    /** One bad answer, with what was sent so it can be replayed. */
    public record Finding(long iteration, String request, int status, String reason, String snippet) {
        @Override
        public String toString() {
            return "#" + iteration + " " + request + " -> " + status + ": " + reason + " | " + snippet;
        }
    }

    /** What a run did and found. */
    public static final class Report {
        public final long seed;
        public long sent;
        public final Map<String, Map<Integer, Long>> statuses = new TreeMap<>();
        public final List<Finding> findings = new ArrayList<>();
        /** Error statuses answered without problem+json, by endpoint and status (not failures, but reported). */
        public final Map<String, Long> plainErrors = new TreeMap<>();
        /** One example request per {@link #plainErrors} key. */
        public final Map<String, String> plainErrorExamples = new TreeMap<>();
        /**
         * Endpoints answered past authentication at least once: not 401/403, and for the web pages
         * not a redirect to sign-in.
         */
        public final java.util.Set<String> reached = new java.util.TreeSet<>();

        Report(long seed) {
            this.seed = seed;
        }

        public String summary() {
            StringBuilder sb = new StringBuilder("fuzz seed=" + seed + " sent=" + sent + " findings=" + findings.size()
                    + "\nstatuses per endpoint:");
            statuses.forEach((k, v) -> sb.append("\n  ").append(k).append(' ').append(v));
            if (!plainErrors.isEmpty()) {
                sb.append("\nerror answers that are not problem+json: ").append(plainErrors);
                plainErrorExamples.forEach((k, v) -> sb.append("\n  e.g. ").append(k).append(": ").append(v));
            }
            for (int i = 0; i < Math.min(30, findings.size()); i++) {
                sb.append("\n  FINDING ").append(findings.get(i));
            }
            return sb.toString();
        }
    }

    private final RawHttp http;
    private final JwtForge jwt;
    private final Fixtures fx;
    private final Random rnd;
    private final long seed;
    private final int hugeChars;
    private final List<String> usedKeys = new ArrayList<>();
    private final int totalWeight;

    /**
     * @param hugeChars size of the largest generated strings and bodies (beyond the 256 KiB
     *                  submission limit already at 300,000; beyond Vert.x's 10 MiB at 11,000,000)
     */
    public Fuzzer(RawHttp http, JwtForge jwt, Fixtures fx, long seed, int hugeChars) {
        this.http = http;
        this.jwt = jwt;
        this.fx = fx;
        this.seed = seed;
        this.rnd = new Random(seed);
        this.hugeChars = hugeChars;
        this.totalWeight = FaultEndpoints.ALL.stream().mapToInt(FaultEndpoints.Endpoint::weight).sum();
    }

    /** Sends {@code iterations} generated requests and returns what came back. */
    public Report run(long iterations) {
        Report report = new Report(seed);
        for (long i = 0; i < iterations; i++) {
            FaultEndpoints.Endpoint ep = pick();
            Sent s = generate(ep);
            RawHttp.Response r = http.send(s.method, s.target, s.headers, s.body);
            report.sent++;
            report.statuses.computeIfAbsent(ep.key(), k -> new TreeMap<>()).merge(r.status(), 1L, Long::sum);
            String location = r.status() == 303 ? r.header("location") : null;
            if (r.status() > 0 && r.status() != 401 && r.status() != 403
                    && (location == null || !location.endsWith("/inbox/sign-in"))) {
                report.reached.add(ep.key());
            }
            check(report, i, ep, s, r);
        }
        return report;
    }

    private void check(Report report, long i, FaultEndpoints.Endpoint ep, Sent s, RawHttp.Response r) {
        String text = r.text();
        if (r.status() < 0) {
            boolean hugeBody = s.body != null && s.body.length > 10 * 1024 * 1024;
            if (hugeBody) {
                report.plainErrors.merge(ep.key() + " connection closed on a body over 10 MiB", 1L, Long::sum);
            } else {
                report.findings.add(new Finding(i, s.describe(), r.status(), "no HTTP answer: " + r.transportError(), ""));
            }
            return;
        }
        if (r.status() >= 500) {
            report.findings.add(new Finding(i, s.describe(), r.status(), "server error", snippet(text, 0)));
        }
        StringBuilder headers = new StringBuilder();
        r.headers().forEach((k, v) -> headers.append(k).append(": ").append(v).append('\n'));
        for (String where : new String[] { text, headers.toString() }) {
            Matcher m = LEAK.matcher(where);
            if (m.find() && !echoed(s, m.group())) {
                report.findings.add(new Finding(i, s.describe(), r.status(), "internals leaked: '" + m.group() + "'",
                        snippet(where, m.start())));
            }
        }
        String ct = r.header("content-type");
        if (r.status() >= 400 && (ct == null || !ct.startsWith("application/problem+json")) && !"HEAD".equals(s.method)) {
            report.plainErrors.merge(ep.key() + " " + r.status(), 1L, Long::sum);
            report.plainErrorExamples.putIfAbsent(ep.key() + " " + r.status(), s.describe() + " -> " + snippet(text, 0));
        }
    }

    /** A match is only a leak if the fuzzer did not send those characters itself. */
    private static boolean echoed(Sent s, String match) {
        String sent = new String(s.target, StandardCharsets.UTF_8) + (s.body == null ? ""
                : new String(s.body, StandardCharsets.UTF_8));
        return sent.contains(match);
    }

    private static String snippet(String text, int at) {
        int from = Math.max(0, at - 120);
        return text.substring(from, Math.min(text.length(), at + 200)).replaceAll("[\\r\\n]+", " ⏎ ");
    }

    private FaultEndpoints.Endpoint pick() {
        int w = rnd.nextInt(totalWeight);
        for (FaultEndpoints.Endpoint e : FaultEndpoints.ALL) {
            w -= e.weight();
            if (w < 0) {
                return e;
            }
        }
        throw new IllegalStateException();
    }

    /** A request as sent. */
    private static final class Sent {
        String method;
        byte[] target;
        List<String[]> headers = new ArrayList<>();
        byte[] body;

        String describe() {
            String t = printable(new String(target, StandardCharsets.ISO_8859_1), 160);
            String h = headers.stream().filter(x -> !x[0].equals("Authorization") || x[1].length() < 60)
                    .map(x -> x[0] + "=" + printable(x[1], 60)).reduce((a, b) -> a + "; " + b).orElse("");
            String b = body == null ? "-" : body.length + " bytes: " + printable(new String(body, StandardCharsets.UTF_8), 160);
            return method + " " + t + " [" + h + "] " + b;
        }

        private static String printable(String s, int max) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < s.length() && sb.length() < max; i++) {
                char c = s.charAt(i);
                sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
            return s.length() > max ? sb + "…(" + s.length() + ")" : sb.toString();
        }
    }

    private Sent generate(FaultEndpoints.Endpoint ep) {
        Sent s = new Sent();
        s.method = rnd.nextInt(40) == 0 ? oneOf("PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "FOO", "GET", "POST", "PUT")
                : ep.method();
        s.target = target(ep);
        if (ep.web()) {
            String csrfField = webAuth(ep, s);
            if (ep.body() != null) {
                s.headers.add(new String[] { "Content-Type",
                        rnd.nextInt(8) > 0 ? "application/x-www-form-urlencoded" : contentType() });
                s.body = form(ep, csrfField);
            }
            return s;
        }
        auth(ep, s);
        if (ep.body() != null) {
            s.headers.add(new String[] { "Content-Type", rnd.nextInt(5) > 0 ? "application/json" : contentType() });
            if (ep.path().equals("/api/v1/actions")) {
                s.headers.add(new String[] { "Idempotency-Key", idempotencyKey() });
            }
            s.body = body(ep);
        } else if (rnd.nextInt(10) == 0) {
            s.headers.add(new String[] { "Content-Type", contentType() });
            s.body = corrupt(evilValue().getBytes(StandardCharsets.UTF_8));
        }
        if (rnd.nextInt(7) == 0) {
            s.headers.add(new String[] { "Accept", oneOf("text/html", "application/xml", "*/*", "application/x-ndjson",
                    "text/csv", "image/png", "application/json;q=0", ";;", evilString()) });
        }
        if (rnd.nextInt(20) == 0) {
            s.headers.add(new String[] { oneOf("X-Forwarded-For", "X-Request-Id", "Origin", "Cookie", "X-Fuzz", "Range"),
                    evilString().replaceAll("[\\r\\n]", "") });
        }
        return s;
    }

    private byte[] target(FaultEndpoints.Endpoint ep) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Matcher m = Pattern.compile("\\{([A-Za-z]+)}").matcher(ep.path());
        int last = 0;
        while (m.find()) {
            out.writeBytes(ep.path().substring(last, m.start()).getBytes(StandardCharsets.US_ASCII));
            List<String> valid = fx.values.getOrDefault(m.group(1), List.of());
            int roll = rnd.nextInt(10);
            if (roll < 6 && !valid.isEmpty()) {
                out.writeBytes(valid.get(rnd.nextInt(valid.size())).getBytes(StandardCharsets.US_ASCII));
            } else if (roll < 9) {
                out.writeBytes(encode(rnd.nextBoolean() ? evilString() : UUID.randomUUID().toString()));
            } else {
                out.writeBytes(rawSegment());
            }
            last = m.end();
        }
        out.writeBytes(ep.path().substring(last).getBytes(StandardCharsets.US_ASCII));
        List<String> params = new ArrayList<>();
        for (String q : ep.query()) {
            if (rnd.nextBoolean()) {
                params.add(q);
            }
        }
        if (rnd.nextInt(10) == 0) {
            params.add(oneOf("x", "limit", "wait", "id", "", "%", "a[b]"));
        }
        if (!params.isEmpty() && rnd.nextInt(20) == 0) {
            params.add(params.get(0)); // repeated parameter
        }
        for (int i = 0; i < params.size(); i++) {
            out.write(i == 0 ? '?' : '&');
            out.writeBytes(encode(params.get(i)));
            out.write('=');
            int roll = rnd.nextInt(10);
            if (roll < 5) {
                out.writeBytes(encode(plausible(params.get(i))));
            } else if (roll < 9) {
                out.writeBytes(encode(evilString()));
            } else {
                out.writeBytes(rawSegment());
            }
        }
        return out.toByteArray();
    }

    private String plausible(String param) {
        return switch (param) {
            case "wait" -> oneOf("0s", "100ms", "PT0.2S", "1s", "60s", "61s", "1m", "PT1M", "0", "-1s", "999999m", "PT-5S");
            case "status" -> oneOf("APPROVED", "pending_review", "DENIED", "EXECUTED", "approved ");
            case "type" -> oneOf("payment.transfer", "db.schema.change", "code.push", "PAYMENT.TRANSFER");
            case "from", "to" -> oneOf("2026-01-01T00:00:00Z", "2026-11-25", "0", "1", "5", "2026-13-45", "9999-12-31T23:59:59Z",
                    "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "2026-01-01T00:00:00+25:00");
            case "cursor" -> oneOf("MjAyNi0wMS0wMVQwMDowMDowMFp8MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw", "AAAA", "fA", "===",
                    java.util.Base64.getUrlEncoder().encodeToString(("x|" + evilString()).getBytes(StandardCharsets.UTF_8)));
            case "limit", "before", "seq", "treeSize" -> oneOf("1", "2", "0", "200", "201", "1000", "1001", "-1",
                    "9223372036854775807", "9223372036854775808", "1e3", "0x10", " 1");
            case "format" -> oneOf("jsonl", "csv", "JSONL", "xml");
            case "agent" -> fx.agentId;
            default -> evilString();
        };
    }

    private void auth(FaultEndpoints.Endpoint ep, Sent s) {
        int roll = rnd.nextInt(100);
        String sub = ep.role() == FaultEndpoints.Role.AGENT ? fx.agentId : "fuzz-" + ep.role().name().toLowerCase();
        String token;
        if (ep.role() == FaultEndpoints.Role.PUBLIC) {
            token = roll < 80 ? null : jwt.forged(rnd, sub, "admin");
        } else if (roll < 70) {
            token = jwt.valid(sub, ep.role().groups());
        } else if (roll < 78) {
            FaultEndpoints.Role other = FaultEndpoints.Role.values()[rnd.nextInt(FaultEndpoints.Role.values().length)];
            token = jwt.valid(rnd.nextBoolean() ? sub : "fuzz-unregistered-" + rnd.nextInt(1000), other.groups());
        } else if (roll < 82) {
            token = jwt.valid(evilString(), ep.role().groups()); // a registered role with an evil subject
        } else if (roll < 85) {
            token = null;
        } else {
            token = jwt.forged(rnd, sub, ep.role().groups());
        }
        if (token != null) {
            String scheme = rnd.nextInt(30) == 0 ? oneOf("bearer ", "Basic ", "Bearer  ", "", "Bearer\t") : "Bearer ";
            s.headers.add(new String[] { "Authorization", scheme + token });
        }
    }

    /** The double-submit CSRF token the fuzzer's "browser" holds (43 URL-safe characters, as the app issues). */
    static final String CSRF = "fuzzCsrfToken0123456789_abcdefghijklmnopqrs";

    /**
     * Web caller: a session cookie (valid for the role, another role, an evil subject, forged or
     * missing) and the CSRF cookie; returns the CSRF form field to send (null = leave it out).
     */
    private String webAuth(FaultEndpoints.Endpoint ep, Sent s) {
        int roll = rnd.nextInt(100);
        String sub = "fuzz-" + ep.role().name().toLowerCase();
        String[] groups = ep.role() == FaultEndpoints.Role.PUBLIC ? FaultEndpoints.Role.REVIEWER.groups() : ep.role().groups();
        String session;
        if (ep.role() == FaultEndpoints.Role.PUBLIC) {
            session = roll < 80 ? null : jwt.valid(sub, groups);
        } else if (roll < 70) {
            session = jwt.valid(sub, groups);
        } else if (roll < 78) {
            session = jwt.valid(sub, FaultEndpoints.Role.values()[rnd.nextInt(FaultEndpoints.Role.values().length)].groups());
        } else if (roll < 82) {
            session = jwt.valid(evilString(), groups);
        } else if (roll < 85) {
            session = null;
        } else if (roll < 95) {
            session = jwt.forged(rnd, sub, groups);
        } else {
            session = evilString();
        }
        List<String> cookies = new ArrayList<>();
        if (session != null) {
            cookies.add("countersign_session=" + session);
        }
        int csrfRoll = rnd.nextInt(10);
        if (csrfRoll < 8) {
            cookies.add("countersign_csrf=" + CSRF);
        } else if (csrfRoll == 8) {
            cookies.add("countersign_csrf=" + evilString());
        }
        if (!cookies.isEmpty()) {
            s.headers.add(new String[] { "Cookie", String.join("; ", cookies).replaceAll("[\\r\\n]", "") });
        }
        if (rnd.nextInt(15) == 0) {
            s.headers.add(new String[] { "Origin", oneOf("http://evil.example", "null", "https://localhost", evilString()
                    .replaceAll("[\\r\\n]", "")) });
        }
        int field = rnd.nextInt(10);
        return field < 7 ? CSRF : field == 7 ? null : oneOf("", "x", CSRF.toUpperCase(), CSRF + "x", evilString());
    }

    /** A form body from the endpoint's template: placeholders filled, then fields dropped, duplicated or made evil. */
    private byte[] form(FaultEndpoints.Endpoint ep, String csrfField) {
        String template = ep.body().replace("{taskKey}", oneOf(fx.values.get("taskKey").toArray(new String[0])))
                .replace("{digest}", oneOf(fx.values.get("digest").toArray(new String[0])))
                .replace("{session}", new String(encode(jwt.valid("fuzz-reviewer", FaultEndpoints.Role.REVIEWER.groups())),
                        StandardCharsets.US_ASCII));
        List<String> fields = new ArrayList<>(List.of(template.split("&")));
        if (csrfField == null) {
            fields.removeIf(f -> f.startsWith("_csrf="));
        } else {
            fields.replaceAll(f -> f.equals("_csrf={csrf}") ? "_csrf=" + new String(encode(csrfField), StandardCharsets.US_ASCII) : f);
        }
        int roll = rnd.nextInt(100);
        if (roll < 5) {
            return corrupt(evilValue().getBytes(StandardCharsets.UTF_8)); // not a form at all
        }
        if (roll >= 30) {
            for (int i = 0; i < 1 + rnd.nextInt(3) && !fields.isEmpty(); i++) {
                int at = rnd.nextInt(fields.size());
                String name = fields.get(at).substring(0, Math.max(0, fields.get(at).indexOf('=')));
                switch (rnd.nextInt(6)) {
                    case 0 -> fields.remove(at);
                    case 1 -> fields.add(fields.get(at)); // repeated field
                    case 2 -> fields.set(at, name + "=" + new String(rawSegment(), StandardCharsets.ISO_8859_1));
                    case 3 -> fields.add(new String(encode(evilString()), StandardCharsets.US_ASCII) + "="
                            + new String(encode(evilString()), StandardCharsets.US_ASCII));
                    default -> fields.set(at, name + "=" + new String(encode(name.equals("taskKey") && rnd.nextBoolean()
                            ? oneOf("-1", "0", "9223372036854775807", "9223372036854775808", "1e3", "0x10", " 1", "")
                            : evilString()), StandardCharsets.US_ASCII));
                }
            }
        }
        byte[] bytes = String.join("&", fields).getBytes(StandardCharsets.ISO_8859_1);
        return rnd.nextInt(12) == 0 ? corrupt(bytes) : bytes;
    }

    private String idempotencyKey() {
        int roll = rnd.nextInt(20);
        if (roll < 3 && !usedKeys.isEmpty()) {
            return usedKeys.get(rnd.nextInt(usedKeys.size())); // replay or 422 key reuse
        }
        if (roll < 6) {
            return evilString();
        }
        String k = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
        if (usedKeys.size() < 200) {
            usedKeys.add(k);
        }
        return k;
    }

    private String contentType() {
        return oneOf("text/plain", "application/json; charset=utf-16", "application/json; charset=ISO-8859-1",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "",
                "application/json, text/html", ";;;", "application/problem+json", "APPLICATION/JSON",
                "application/json; charset=bogus", "*/*", evilString().replaceAll("[\\r\\n]", ""));
    }

    // ---- bodies ------------------------------------------------------------------------

    private byte[] body(FaultEndpoints.Endpoint ep) {
        String template = ep.body().replace("{token}", fx.values.get("token").get(0));
        if (ep.path().equals("/api/v1/admin/agents") && ep.method().equals("POST")) {
            template = template.replace("fuzz-new-agent", "fuzz-new-" + Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36));
        }
        int roll = rnd.nextInt(100);
        if (roll < 15) {
            return template.getBytes(StandardCharsets.UTF_8);
        }
        if (roll < 20) {
            return corrupt(evilValue().getBytes(StandardCharsets.UTF_8)); // replace the whole body
        }
        Object tree = MiniJson.parse(template);
        int mutations = 1 + rnd.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            tree = mutate(tree);
        }
        byte[] bytes = MiniJson.write(tree).getBytes(StandardCharsets.UTF_8);
        return rnd.nextInt(10) == 0 ? corrupt(bytes) : bytes;
    }

    @SuppressWarnings("unchecked")
    private Object mutate(Object root) {
        List<Object[]> slots = new ArrayList<>(); // {container, key-or-index}
        collect(root, slots);
        int roll = rnd.nextInt(100);
        if (slots.isEmpty() || roll < 5) {
            return switch (rnd.nextInt(4)) {
                case 0 -> new ArrayList<>(List.of(root));
                case 1 -> new MiniJson.Raw(MiniJson.quote(MiniJson.write(root)));
                case 2 -> new MiniJson.Raw("[".repeat(70) + MiniJson.write(root) + "]".repeat(70));
                default -> new MiniJson.Raw(evilValue());
            };
        }
        Object[] slot = slots.get(rnd.nextInt(slots.size()));
        if (slot[0] instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            String key = (String) slot[1];
            if (roll < 15) {
                map.remove(key);
            } else if (roll < 25) {
                map.put(rnd.nextBoolean() ? evilString() : oneOf("extra", "__proto__", "constructor", "@type", "$where"),
                        new MiniJson.Raw(evilValue()));
            } else if (roll < 32) {
                // Duplicate key: rewrite the object by hand.
                Object dup = map.get(key);
                StringBuilder sb = new StringBuilder(MiniJson.write(map));
                sb.setLength(sb.length() - 1);
                sb.append(map.isEmpty() ? "" : ",").append(MiniJson.quote(key)).append(':').append(MiniJson.write(dup)).append('}');
                replaceInParent(root, map, new MiniJson.Raw(sb.toString()));
            } else {
                map.put(key, new MiniJson.Raw(key.equals("amount") && rnd.nextBoolean() ? amount() : evilValue()));
            }
        } else {
            List<Object> list = (List<Object>) slot[0];
            int idx = (Integer) slot[1];
            if (roll < 20) {
                list.remove(idx);
            } else if (roll < 30) {
                for (int k = 0; k < 1 + rnd.nextInt(2000); k++) {
                    list.add(list.isEmpty() ? "x" : list.get(0));
                }
            } else {
                list.set(idx, new MiniJson.Raw(evilValue()));
            }
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    private static boolean replaceInParent(Object node, Object target, Object replacement) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                if (e.getValue() == target) {
                    e.setValue(replacement);
                    return true;
                }
                if (replaceInParent(e.getValue(), target, replacement)) {
                    return true;
                }
            }
        } else if (node instanceof List<?> l) {
            List<Object> list = (List<Object>) l;
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == target) {
                    list.set(i, replacement);
                    return true;
                }
                if (replaceInParent(list.get(i), target, replacement)) {
                    return true;
                }
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static void collect(Object node, List<Object[]> slots) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<String, Object> e : new LinkedHashMap<>((Map<String, Object>) m).entrySet()) {
                slots.add(new Object[] { m, e.getKey() });
                collect(e.getValue(), slots);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                slots.add(new Object[] { l, i });
                collect(l.get(i), slots);
            }
        }
    }

    private byte[] corrupt(byte[] b) {
        byte[][] invalidUtf8 = { { (byte) 0xFF }, { (byte) 0xC0, (byte) 0x80 }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
            { (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 }, { (byte) 0xC3 }, { (byte) 0x80 },
            { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, { 0 } };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (rnd.nextInt(6)) {
            case 0, 1, 2 -> {
                // invalid UTF-8 inside the text (usually inside a string literal)
                int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
                out.write(b, 0, at);
                out.writeBytes(invalidUtf8[rnd.nextInt(invalidUtf8.length)]);
                out.write(b, at, b.length - at);
            }
            case 3 -> out.write(b, 0, b.length == 0 ? 0 : rnd.nextInt(b.length)); // truncated
            case 4 -> {
                out.writeBytes(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }); // BOM
                out.writeBytes(b);
            }
            default -> out.writeBytes(new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16));
        }
        return out.toByteArray();
    }

    // ---- values ------------------------------------------------------------------------

    private static final String[] SQL = { "' OR '1'='1", "'; DROP TABLE action_request; --", "\" OR 1=1 --",
        "1) OR pg_sleep(5)--", "%' AND 1=1 --", "admin'--", "\\'; SELECT 1; --", "1 UNION SELECT id FROM agent",
        "'||(SELECT version())||'", "1; UPDATE audit_event SET data='x'" };
    private static final String[] HTML = { "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "\"><svg/onload=alert(1)>", "{{7*7}}", "${7*7}", "{#for x in y}{/for}", "{inject:foo}", "javascript:alert(1)",
        "&lt;&#x3C;", "<!--", "]]>" };
    private static final String[] UNICODE = { "ｐａｙｍｅｎｔ.transfer", "раyment.transfer", "prоduction", "production\u200b",
        "\u202eproduction", "\ufeffsandbox", "ﬁle", "e\u0301", "𝐩𝐫𝐨𝐝", "🙂🙂", "\u0000", "\u0007bell", "\u001b[31mred",
        "line\nbreak", "tab\tsep", "\r\nX-Injected: 1", "\u2028\u2029", "\ud800", "\udfff\ud800", "İstanbul", "straße",
        "\u2126", "DE89\u00a03704", "١٢٣", "acct:treasury/\u2215etc", "\u0130\u0131", "\uffff\ufffe" };
    private static final String[] MISC = { "", " ", "null", "true", "-1", "0", "NaN", "%s%s%n", "${jndi:ldap://127.0.0.1:1/a}",
        "#{1+1}", "../../../etc/passwd", "..\\..\\win.ini", "%2e%2e%2f", "**", "*", "?", "acct:**", "~", "\\", "\"", "'",
        "/", "//", "%00", "CON", "a".repeat(64), "0".repeat(40), "DE89370400440532013000", "PT-1S" };

    private String evilString() {
        return switch (rnd.nextInt(10)) {
            case 0, 1 -> oneOf(SQL);
            case 2, 3 -> oneOf(HTML);
            case 4, 5, 6 -> oneOf(UNICODE);
            case 7, 8 -> oneOf(MISC);
            default -> "A".repeat(new int[] { 101, 256, 513, 4001, 70_000, hugeChars }[rnd.nextInt(6)]);
        };
    }

    private String amount() {
        return oneOf("\"-1\"", "\"0\"", "\"0.00\"", "\"NaN\"", "\"Infinity\"", "\"1e5\"", "\"99999999999999999999.9999\"",
                "\"12.50000\"", "\"１２\"", "\" 12.50\"", "\"12,50\"", "\"0x10\"", "\"+5\"", "\"-0\"", "\"1E+9999\"", "\"٣\"",
                "\"999999999999999.9999\"", "\"0.0001\"", "\"1000000000000000\"", "12.5", "-12.5", "1e400", "NaN", "0");
    }

    private String evilValue() {
        int n;
        return switch (rnd.nextInt(12)) {
            case 0, 1, 2, 3 -> MiniJson.quote(evilString());
            case 4 -> oneOf("0", "-1", "1.5", "true", "false", "null", "[]", "{}", "[null]", "{\"\":null}", "\"\"");
            case 5 -> oneOf("NaN", "Infinity", "-Infinity", "1e999999", "-1e-999999", "123456789012345678901234567890",
                    "-0", "1E+2147483648", "0x10", "01", "1.", "-", ".5", "+1", "1e-400");
            case 6 -> {
                n = oneOfInt(65, 200, 5000, 100_000);
                yield "[".repeat(n) + "]".repeat(n);
            }
            case 7 -> {
                n = oneOfInt(65, 200, 5000, 50_000);
                yield "{\"a\":".repeat(n) + "1" + "}".repeat(n);
            }
            case 8 -> oneOf("\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"", "\"\\uZZZZ\"", "\"\\x41\"", "\"abc",
                    "\"\\", "'single'", "{\"a\" 1}", "[1,]", "{,}", "//c\n1", "/*c*/1");
            case 9 -> amount();
            case 10 -> "[" + String.join(",", java.util.Collections.nCopies(oneOfInt(2, 1001, 20_000), "\"x\"")) + "]";
            default -> "{\"a\":" + MiniJson.quote(evilString()) + ",\"a\":1}";
        };
    }

    private byte[] rawSegment() {
        return oneOf("%FF", "%C0%AF", "%ZZ", "%", "%00", "..", "%2e%2e", "%2F", "%E2%80%AE", "%ED%A0%80", "a%2Fb",
                "\u00ff", "\u0001", "%u0041", "a b", "a?b", "a#b", ";jsessionid=1", "%25%32%65")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").getBytes(StandardCharsets.US_ASCII);
    }

    @SafeVarargs
    private <T> T oneOf(T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private int oneOfInt(int... options) {
        return options[rnd.nextInt(options.length)];
    }
}
