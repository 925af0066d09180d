// Countersign fault-test load driver: a single-file Java 17 program (run with `java bench/FaultLoad.java`).
// Drives MIXED load through the public API — fast-path approvals and denials, review-path
// submissions, cancels, release fetch + redeem, outcome reports, list reads — and writes a
// journal of every acknowledged (2xx) write, so bench/crash.sh and bench/outage.sh can check
// afterwards that nothing acknowledged was lost and nothing unacknowledged was half-written.
// Java rather than wrk: it signs its own tokens, follows ids from one call into the next, and
// journals per request, none of which a stock wrk script can do.
//
// Usage:
//   java bench/FaultLoad.java load  <baseUrl> <privateKeyPem> <seconds> <threads> <journal> <tag> [pauseMs]
//   java bench/FaultLoad.java retry <baseUrl> <privateKeyPem> <journal> <tag>
//   java bench/FaultLoad.java token <privateKeyPem> <sub> <group>...  prints a bearer token
// Journal lines (space separated):
//   S <requestId> <status> <agent> <key>   submission answered 2xx
//   L <agent> <key> <kind>                  submission without an answer (transport error or 5xx): retried by `retry`
//   C <requestId>                           cancel answered 200
//   O <requestId> <outcome>                 outcome answered 200
//   R <jti> <requestId>                     redeem answered 200
//   E <epochSecond> <status> <problem+json?> <retryAfter> <op>   any answer >= 500 or transport error (status 0)
//   T <epochSecond> <ok> <err>              per-second totals (for the outage timeline)
import java.io.FileWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class FaultLoad {

    static final String ISSUER = System.getenv().getOrDefault("BENCH_ISSUER", "https://countersign.dev/issuer");
    static final int AGENTS = 4;
    static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    static final Pattern STATUS = Pattern.compile("\"status\":\"([A-Z_]+)\"");
    static final Pattern TOKEN = Pattern.compile("\"release\":\\{[^}]*\"token\":\"([^\"]+)\"");
    static final Pattern JTI = Pattern.compile("\"release\":\\{[^}]*\"jti\":\"([^\"]+)\"");

    static HttpClient http;
    static String base;
    static PrivateKey key;
    static PrintWriter journal;
    static final Map<String, Long> statuses = new ConcurrentHashMap<>();
    static final Map<Long, long[]> perSecond = new ConcurrentHashMap<>();
    static final ConcurrentLinkedDeque<String[]> pending = new ConcurrentLinkedDeque<>(); // {agent, id}
    static final ConcurrentLinkedDeque<String[]> approved = new ConcurrentLinkedDeque<>();
    static final AtomicLong seq = new AtomicLong();

    public static void main(String[] a) throws Exception {
        String mode = a[0];
        if (mode.equals("token")) {
            key = loadKey(Path.of(a[1]));
            System.out.println(token(a[2], java.util.Arrays.copyOfRange(a, 3, a.length)));
            return;
        }
        base = a[1];
        key = loadKey(Path.of(a[2]));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();
        if (mode.equals("load")) {
            int seconds = Integer.parseInt(a[3]);
            int threads = Integer.parseInt(a[4]);
            journal = new PrintWriter(new FileWriter(a[5], true), true);
            String tag = a[6];
            long pause = a.length > 7 ? Long.parseLong(a[7]) : 0;
            load(seconds, threads, tag, pause);
        } else {
            journal = new PrintWriter(new FileWriter(a[3], true), true);
            System.exit(retry(Path.of(a[3]), a[4]));
        }
        System.exit(0);
    }

    static String agentId(String tag, int i) {
        return "faults-" + tag + "-" + i;
    }

    static void register(String tag) throws Exception {
        String admin = token("faults-admin", "admin");
        for (int i = 0; i < AGENTS; i++) {
            String body = "{\"id\":\"" + agentId(tag, i) + "\",\"displayName\":\"fault load\",\"ownerUserId\":\"faults-owner\","
                    + "\"allowedTypes\":[\"payment.transfer\",\"db.schema.change\"],\"allowedTargets\":[\"**\"],"
                    + "\"allowedEnvironments\":[\"sandbox\",\"production\"],"
                    + "\"quotas\":{\"requestsPerMinute\":100000,\"maxPendingReviews\":100000}}";
            for (int attempt = 0; ; attempt++) {
                try {
                    int st = send("POST", "/api/v1/admin/agents", admin, body, null).statusCode();
                    if (st == 201 || st == 409) {
                        break;
                    }
                    throw new IllegalStateException("register agent: HTTP " + st);
                } catch (java.io.IOException e) {
                    if (attempt > 20) {
                        throw e;
                    }
                    Thread.sleep(500);
                }
            }
        }
    }

    static void load(int seconds, int threads, String tag, long pause) throws Exception {
        register(tag);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        step(tag);
                        if (pause > 0) {
                            Thread.sleep(pause);
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            th.join();
        }
        perSecond.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> journal.println("T " + e.getKey() + " " + e.getValue()[0] + " " + e.getValue()[1]));
        System.out.println("statuses " + new TreeMap<>(statuses));
    }

    static void step(String tag) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String agent = agentId(tag, r.nextInt(AGENTS));
        int roll = r.nextInt(100);
        if (roll < 25) {
            submit(agent, tag + "-" + System.currentTimeMillis() + "-" + seq.incrementAndGet(), "approve");
        } else if (roll < 35) {
            submit(agent, tag + "-" + System.currentTimeMillis() + "-" + seq.incrementAndGet(), "deny");
        } else if (roll < 55) {
            submit(agent, tag + "-" + System.currentTimeMillis() + "-" + seq.incrementAndGet(), "review");
        } else if (roll < 65) {
            String[] p = pending.pollFirst();
            if (p != null) {
                call("cancel", "POST", "/api/v1/actions/" + p[1] + "/cancel", token(p[0], "agent"),
                        "{\"reason\":\"fault load\"}", null, res -> journal.println("C " + p[1]));
            }
        } else if (roll < 85) {
            String[] p = approved.pollFirst();
            if (p != null) {
                redeem(p);
            }
        } else if (roll < 90) {
            String[] p = approved.pollFirst();
            if (p != null) {
                String outcome = r.nextBoolean() ? "EXECUTED" : "EXECUTION_FAILED";
                call("outcome", "POST", "/api/v1/actions/" + p[1] + "/outcome", token(p[0], "agent"),
                        "{\"outcome\":\"" + outcome + "\",\"detail\":\"fault load\"}", null,
                        res -> journal.println("O " + p[1] + " " + outcome));
            }
        } else {
            call("list", "GET", "/api/v1/actions?limit=20", token(agent, "agent"), null, null, res -> { });
        }
    }

    static void redeem(String[] p) {
        HttpResponse<String> res = call("read", "GET", "/api/v1/actions/" + p[1], token(p[0], "agent"), null, null, x -> { });
        if (res == null || res.statusCode() != 200) {
            return;
        }
        Matcher tok = TOKEN.matcher(res.body());
        Matcher jti = JTI.matcher(res.body());
        Matcher st = STATUS.matcher(res.body());
        if (!tok.find() || !jti.find()) {
            if (st.find() && st.group(1).equals("APPROVED")) {
                approved.addLast(p); // approval not chained yet: the release comes on a later read
            }
            return;
        }
        String j = jti.group(1);
        call("redeem", "POST", "/api/v1/releases/" + j + "/redeem", token("faults-executor", "executor"),
                "{\"token\":\"" + tok.group(1) + "\"}", null, x -> journal.println("R " + j + " " + p[1]));
    }

    static void submit(String agent, String idemKey, String kind) {
        HttpResponse<String> res = call("submit", "POST", "/api/v1/actions", token(agent, "agent"), body(kind, idemKey), idemKey,
                x -> { });
        if (res == null || res.statusCode() >= 500) {
            journal.println("L " + agent + " " + idemKey + " " + kind);
            return;
        }
        if (res.statusCode() / 100 == 2) {
            recordSubmission(agent, idemKey, res.body());
        }
    }

    static void recordSubmission(String agent, String idemKey, String body) {
        Matcher id = ID.matcher(body);
        Matcher st = STATUS.matcher(body);
        if (id.find() && st.find()) {
            journal.println("S " + id.group(1) + " " + st.group(1) + " " + agent + " " + idemKey);
            if (st.group(1).equals("PENDING_REVIEW")) {
                pending.addLast(new String[] { agent, id.group(1) });
            } else if (st.group(1).equals("APPROVED")) {
                approved.addLast(new String[] { agent, id.group(1) });
            }
        }
    }

    static HttpResponse<String> call(String op, String method, String path, String bearer, String body, String idemKey,
            java.util.function.Consumer<HttpResponse<String>> on2xx) {
        long sec = System.currentTimeMillis() / 1000;
        try {
            HttpResponse<String> res = send(method, path, bearer, body, idemKey);
            statuses.merge(op + " " + res.statusCode(), 1L, Long::sum);
            long[] ps = perSecond.computeIfAbsent(sec, k -> new long[2]);
            synchronized (ps) {
                ps[res.statusCode() < 500 ? 0 : 1]++;
            }
            if (res.statusCode() >= 500) {
                String ct = res.headers().firstValue("Content-Type").orElse("-");
                journal.println("E " + sec + " " + res.statusCode() + " " + ct.startsWith("application/problem+json") + " "
                        + res.headers().firstValue("Retry-After").orElse("-") + " " + op);
            } else if (res.statusCode() / 100 == 2) {
                on2xx.accept(res);
            }
            return res;
        } catch (Exception e) {
            statuses.merge(op + " transport-error", 1L, Long::sum);
            long[] ps = perSecond.computeIfAbsent(sec, k -> new long[2]);
            synchronized (ps) {
                ps[1]++;
            }
            journal.println("E " + sec + " 0 false - " + op);
            try {
                Thread.sleep(100); // the app is down: do not spin (each unanswered submission is retried later)
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    static HttpResponse<String> send(String method, String path, String bearer, String body, String idemKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + bearer);
        if (idemKey != null) {
            b.header("Idempotency-Key", idemKey);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Re-sends every submission that got no answer, with its original key and body, until it gets one. */
    static int retry(Path journalFile, String tag) throws Exception {
        List<String[]> lost = new ArrayList<>();
        for (String line : Files.readAllLines(journalFile)) {
            if (line.startsWith("L ")) {
                lost.add(line.split(" "));
            }
        }
        int ok = 0;
        int bad = 0;
        for (String[] l : lost) {
            HttpResponse<String> res = null;
            for (int attempt = 0; attempt < 5 && (res == null || res.statusCode() == 409 || res.statusCode() >= 500); attempt++) {
                try {
                    res = send("POST", "/api/v1/actions", token(l[1], "agent"), body(l[3], l[2]), l[2]);
                } catch (Exception e) {
                    Thread.sleep(500);
                }
            }
            if (res != null && res.statusCode() == 201) {
                ok++;
                recordSubmission(l[1], l[2], res.body());
            } else {
                bad++;
                System.out.println("retry of " + l[2] + " answered " + (res == null ? "nothing" : res.statusCode() + " " + res.body()));
            }
        }
        System.out.println("retried " + lost.size() + " unanswered submissions: " + ok + " answered 201, " + bad + " not");
        return bad == 0 ? 0 : 1;
    }

    static String body(String kind, String ref) {
        return switch (kind) {
            case "approve" -> "{\"type\":\"payment.transfer\",\"target\":\"acct:faults/" + ref + "\",\"environment\":\"sandbox\","
                    + "\"summary\":\"fault payment\",\"justification\":\"fault test\",\"payload\":{\"amount\":\"12.50\","
                    + "\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACME\",\"iban\":\"DE89370400440532013000\"},"
                    + "\"reference\":\"" + ref + "\"}}";
            case "review" -> "{\"type\":\"payment.transfer\",\"target\":\"acct:faults/" + ref + "\",\"environment\":\"production\","
                    + "\"summary\":\"fault payment\",\"justification\":\"fault test\",\"payload\":{\"amount\":\"25000.00\","
                    + "\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACME\",\"iban\":\"DE89370400440532013000\"},"
                    + "\"reference\":\"" + ref + "\"}}";
            default -> "{\"type\":\"db.schema.change\",\"target\":\"db://prod/faults\",\"environment\":\"production\","
                    + "\"summary\":\"fault drop\",\"justification\":\"fault test\",\"payload\":{\"database\":\"faults\","
                    + "\"statements\":[\"DROP DATABASE f_" + ref.replaceAll("[^A-Za-z0-9_]", "_") + "\"]}}";
        };
    }

    static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    static String token(String sub, String... groups) {
        String group = String.join("\",\"", groups);
        return TOKENS.computeIfAbsent(sub + "|" + group, k -> {
            try {
                long now = System.currentTimeMillis() / 1000;
                String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"dev-issuer-1\"}");
                String claims = b64("{\"iss\":\"" + ISSUER + "\",\"aud\":\"countersign\",\"sub\":\"" + sub + "\",\"upn\":\""
                        + sub + "\",\"groups\":[\"" + group + "\"],\"iat\":" + now + ",\"exp\":" + (now + 7200) + "}");
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(key);
                s.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
                return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static PrivateKey loadKey(Path pem) throws Exception {
        String b = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b)));
    }
}
