// Countersign review-path bench driver (Java 17; compiled together with bench/FaultLoad.java by
// bench/bench-lib.sh, whose token signing, agent registration and HTTP helpers it reuses).
// Java rather than wrk: each step follows ids from the step before (request id -> inbox task key
// and digest -> release token), reads the inbox's live-update stream (SSE) and signs tokens.
//
// Modes:
//   review <baseUrl> <privateKeyPem> <seconds> <rate>
//       open loop: <rate> review-path submissions per second for <seconds>; each one is followed
//       through the reviewer inbox and approved. Measures submit -> visible in the inbox (the
//       SSE "created" event, sent after the commit that wrote the inbox row) from the INTENDED
//       send time (no coordinated omission), and approve -> the agent's long-poll returning
//       APPROVED (from just before the decision form is posted).
//   cycle <baseUrl> <privateKeyPem> <seconds> <concurrency>
//       closed loop: <concurrency> workers repeat submit -> visible -> approve through the inbox
//       form -> long-poll APPROVED -> release token -> redeem. Cycles/s and cycle latency.
//   seed <baseUrl> <privateKeyPem> <count>
//       <count> real review tasks through the API and the engine, left open (inbox-pages.sh).
//   pages <baseUrl> <privateKeyPem> <seconds> <openTasks>
//       one reviewer (group dba) reads the inbox (first page, a random page, a filtered page) and
//       request pages of random open requests, one request at a time (no queueing: the time is the
//       server's plus loopback). Percentiles per page kind.
// Every mode prints percentile lines and a final "RESULT ..." line; exit code 1 on any error.
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class ReviewBench {

    static final Pattern TASK_KEY = Pattern.compile("name=\"taskKey\" value=\"(\\d+)\"");
    static final Pattern DIGEST = Pattern.compile("name=\"digest\" value=\"([0-9a-f]{64})\"");
    static final Pattern DECIDED_AT = Pattern.compile("\"decidedAt\":\"([^\"]+)\"");
    static final String WAKE = "decision committed -> long-poll answered";
    static final Pattern REQUEST_LINK = Pattern.compile("/inbox/requests/([0-9a-f-]{36})");
    static final String REVIEWER = "bench-dba-reviewer";
    // The session cookie is the token; the CSRF cookie only seeds the pre-session token. A form's
    // _csrf is read from the page it is posted from (an HMAC of the session: docs/inbox.md).
    static final String CSRF = "b".repeat(43);
    static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    static String cookie;
    static final Map<String, CompletableFuture<Long>> visible = new ConcurrentHashMap<>();
    static final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    static final Map<String, List<Long>> samples = new ConcurrentHashMap<>();

    public static void main(String[] a) throws Exception {
        String mode = a[0];
        FaultLoad.base = a[1];
        FaultLoad.key = FaultLoad.loadKey(Path.of(a[2]));
        FaultLoad.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).executor(Executors.newCachedThreadPool(daemon())).build();
        cookie = "countersign_session=" + FaultLoad.token(REVIEWER, "reviewer", "dba") + "; countersign_csrf=" + CSRF;
        int n = Integer.parseInt(a[3]);
        switch (mode) {
            case "review" -> review(n, Integer.parseInt(a[4]));
            case "cycle" -> cycle(n, Integer.parseInt(a[4]));
            case "seed" -> seed(n);
            case "pages" -> pages(n, Integer.parseInt(a[4]));
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        System.out.println("errors: " + (errors.isEmpty() ? "0" : new TreeMap<>(errors)));
        System.exit(errors.isEmpty() ? 0 : 1);
    }

    // ------------------------------------------------------------------ scenarios

    static void review(int seconds, int rate) throws Exception {
        FaultLoad.register("review");
        listen();
        warmUp("review");
        ExecutorService pool = Executors.newCachedThreadPool(daemon());
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        int total = seconds * rate;
        List<java.util.concurrent.Future<?>> flows = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            long intended = start + i * periodNanos;
            sleepUntil(intended);
            String agent = FaultLoad.agentId("review", i % FaultLoad.AGENTS);
            flows.add(pool.submit(() -> flow(agent, intended, false)));
        }
        for (var f : flows) {
            f.get(120, TimeUnit.SECONDS);
        }
        double achieved = total / ((System.nanoTime() - start) / 1e9);
        System.out.printf("offered %d submissions at %d/s (achieved %.1f/s including the tail)%n", total, rate, achieved);
        String vis = report("submit -> visible in inbox");
        String approve = report("approve sent -> long-poll APPROVED");
        String wake = report(WAKE);
        report("submit answered (201)");
        report("decision form answered (303)");
        System.out.println("RESULT review at " + rate + "/s x " + seconds + " s: visible " + vis + "; approve -> long-poll "
                + approve + "; " + WAKE + " " + wake + "; errors " + errorCount());
    }

    static void cycle(int seconds, int concurrency) throws Exception {
        FaultLoad.register("cycle");
        listen();
        warmUp("cycle");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong done = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < concurrency; w++) {
            String agent = FaultLoad.agentId("cycle", w % FaultLoad.AGENTS);
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    if (flow(agent, System.nanoTime(), true)) {
                        done.incrementAndGet();
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        String rate = String.format("%.2f cycles/s (%d in %.1f s, %d in flight)", done.get() / secs, done.get(), secs, concurrency);
        System.out.println("throughput: " + rate);
        String cyc = report("full cycle");
        report("submit -> visible in inbox");
        report("approve sent -> long-poll APPROVED");
        report(WAKE);
        report("release read");
        report("redeem answered (200)");
        System.out.println("RESULT cycle: " + rate + "; cycle latency " + cyc + "; errors " + errorCount());
    }

    static void seed(int count) throws Exception {
        FaultLoad.register("pages");
        listen();
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = submit(FaultLoad.agentId("pages", i % FaultLoad.AGENTS), "seed-" + i);
            if (id != null) {
                all.add(visibleFuture(id));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (CompletableFuture<Long> f : all) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                error("seeded task not visible in 120 s");
            }
        }
        System.out.println("RESULT seeded " + all.size() + " real review tasks through the API");
    }

    static void pages(int seconds, int openTasks) throws Exception {
        int pageCount = Math.max(1, (openTasks + 24) / 25);
        List<String> ids = new CopyOnWriteArrayList<>();
        page("inbox, first page", "/inbox", ids); // warm-up fetch and first ids
        samples.clear();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (System.nanoTime() < end) {
            page("inbox, first page", "/inbox", ids);
            page("inbox, random page", "/inbox?page=" + (1 + r.nextInt(pageCount)), ids);
            page("inbox, filtered (agent + risk)", "/inbox?agent=" + FaultLoad.agentId("pages", r.nextInt(FaultLoad.AGENTS))
                    + "&risk=HIGH&page=" + (1 + r.nextInt(Math.max(1, pageCount / FaultLoad.AGENTS))), ids);
            if (!ids.isEmpty()) {
                String id = ids.get(r.nextInt(ids.size()));
                HttpResponse<String> res = page("request page", "/inbox/requests/" + id, null);
                if (res != null && !TASK_KEY.matcher(res.body()).find()) {
                    error("request page without a decision form");
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String k : new TreeMap<>(samples).keySet()) {
            sb.append(k).append(": ").append(report(k)).append("; ");
        }
        System.out.println("RESULT pages with " + openTasks + " open tasks: " + sb + "errors " + errorCount());
    }

    // ------------------------------------------------------------------ one review flow

    /** Submit, see it in the inbox, approve it, see the long-poll wake; with {@code redeem} also release + redeem. */
    static boolean flow(String agent, long intended, boolean redeem) {
        try {
            long t0 = System.nanoTime();
            String ref = agent + "-" + System.currentTimeMillis() + "-" + FaultLoad.seq.incrementAndGet();
            String id = submit(agent, ref);
            long tSubmitted = System.nanoTime();
            if (id == null) {
                return false;
            }
            sample("submit answered (201)", tSubmitted - intended);
            // The agent long-polls at once, as a real agent would; the server parks it until the decision commits.
            CompletableFuture<HttpResponse<String>> poll = FaultLoad.http.sendAsync(api("GET", "/api/v1/actions/" + id
                    + "?wait=60s", FaultLoad.token(agent, "agent"), null).build(), HttpResponse.BodyHandlers.ofString());
            // When the answer arrived, not when this thread looks at it (after the decision form's own answer).
            CompletableFuture<Long> pollAnsweredNanos = poll.thenApply(r -> System.nanoTime());
            CompletableFuture<Instant> pollAnsweredAt = poll.thenApply(r -> Instant.now());
            long tVisible;
            try {
                tVisible = visibleFuture(id).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                error("not visible in the inbox within 30 s");
                return false;
            }
            sample("submit -> visible in inbox", tVisible - intended);
            HttpResponse<String> page = inbox("GET", "/inbox/requests/" + id, null);
            Matcher task = TASK_KEY.matcher(page.body());
            Matcher digest = DIGEST.matcher(page.body());
            Matcher csrf = CSRF_FIELD.matcher(page.body());
            if (page.statusCode() != 200 || !task.find() || !digest.find() || !csrf.find()) {
                error("request page " + page.statusCode() + " without a decision form");
                return false;
            }
            long tApprove = System.nanoTime();
            HttpResponse<String> decided = inbox("POST", "/inbox/requests/" + id + "/decision", "_csrf="
                    + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
                    + "&taskKey=" + task.group(1) + "&digest=" + digest.group(1) + "&decision=approve&comment="
                    + URLEncoder.encode("bench approval", StandardCharsets.UTF_8));
            sample("decision form answered (303)", System.nanoTime() - tApprove);
            if (decided.statusCode() != 303) {
                error("decision answered " + decided.statusCode());
                return false;
            }
            HttpResponse<String> woke = poll.get(65, TimeUnit.SECONDS);
            if (woke.statusCode() != 200 || !woke.body().contains("\"status\":\"APPROVED\"")) {
                error("long-poll returned " + woke.statusCode() + " without APPROVED");
                return false;
            }
            sample("approve sent -> long-poll APPROVED", pollAnsweredNanos.get() - tApprove);
            // The wake-up alone (the long-poll target: it returns within 100 ms after the decision commits):
            // from the request's decidedAt, which the server stamps inside the deciding transaction just
            // before it commits, to the answer's arrival. Same host, same clock; an upper bound, since
            // the stamp precedes the commit.
            Matcher decidedAt = DECIDED_AT.matcher(woke.body());
            if (!decidedAt.find()) {
                error("APPROVED answer without decidedAt");
                return false;
            }
            sample(WAKE, Duration.between(OffsetDateTime.parse(decidedAt.group(1)).toInstant(),
                    pollAnsweredAt.get()).toNanos());
            if (redeem && !redeem(agent, id, woke.body())) {
                return false;
            }
            sample("full cycle", System.nanoTime() - t0);
            return true;
        } catch (Exception e) {
            error(e.getClass().getSimpleName() + " " + e.getMessage());
            return false;
        }
    }

    static boolean redeem(String agent, String id, String approvedBody) throws Exception {
        long t0 = System.nanoTime();
        String body = approvedBody;
        Matcher tok = FaultLoad.TOKEN.matcher(body);
        Matcher jti = FaultLoad.JTI.matcher(body);
        boolean found = tok.find() && jti.find();
        // The release is issued when the approval commits; if the woken read raced it, read again.
        for (int i = 0; i < 50 && !found; i++) {
            Thread.sleep(20);
            body = FaultLoad.send("GET", "/api/v1/actions/" + id, FaultLoad.token(agent, "agent"), null, null).body();
            tok = FaultLoad.TOKEN.matcher(body);
            jti = FaultLoad.JTI.matcher(body);
            found = tok.find() && jti.find();
        }
        if (!found) {
            error("no release token within 1 s of the approval");
            return false;
        }
        sample("release read", System.nanoTime() - t0);
        long t1 = System.nanoTime();
        HttpResponse<String> res = FaultLoad.send("POST", "/api/v1/releases/" + jti.group(1) + "/redeem",
                FaultLoad.token("bench-executor", "executor"), "{\"token\":\"" + tok.group(1) + "\"}", null);
        sample("redeem answered (200)", System.nanoTime() - t1);
        if (res.statusCode() != 200) {
            error("redeem answered " + res.statusCode());
            return false;
        }
        return true;
    }

    /** A review-path submission (production schema change: one approval by dba); its id, or null after recording the error. */
    static String submit(String agent, String ref) throws Exception {
        String column = "c_" + ref.replaceAll("[^A-Za-z0-9_]", "_");
        String body = "{\"type\":\"db.schema.change\",\"target\":\"db://prod/bench\",\"environment\":\"production\","
                + "\"summary\":\"add column " + column + "\",\"justification\":\"review bench\",\"payload\":{\"database\":\"bench\","
                + "\"statements\":[\"ALTER TABLE orders ADD COLUMN " + column + " INT\"]}}";
        HttpResponse<String> res = FaultLoad.send("POST", "/api/v1/actions", FaultLoad.token(agent, "agent"), body, ref);
        Matcher id = FaultLoad.ID.matcher(res.body());
        if (res.statusCode() != 201 || !res.body().contains("\"status\":\"PENDING_REVIEW\"") || !id.find()) {
            error("submit answered " + res.statusCode() + (res.statusCode() == 201 ? " without PENDING_REVIEW" : ""));
            return null;
        }
        return id.group(1);
    }

    static void warmUp(String tag) {
        for (int i = 0; i < 3; i++) {
            flow(FaultLoad.agentId(tag, i % FaultLoad.AGENTS), System.nanoTime(), tag.equals("cycle"));
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("warm-up failed: " + errors);
        }
        samples.clear();
    }

    // ------------------------------------------------------------------ inbox HTTP

    /** Subscribes to the reviewer's live-update stream; every "created <requestId>" completes that request's future. */
    static void listen() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(FaultLoad.base + "/inbox/events")).header("Cookie", cookie)
                .header("Accept", "text/event-stream").build();
        CompletableFuture<HttpResponse<Stream<String>>> res = FaultLoad.http.sendAsync(req, HttpResponse.BodyHandlers.ofLines());
        res.thenAccept(r -> {
            if (r.statusCode() != 200) {
                error("inbox event stream answered " + r.statusCode());
                return;
            }
            Thread t = new Thread(() -> r.body().forEach(line -> {
                long now = System.nanoTime();
                if (line.startsWith("data:")) {
                    String[] p = line.substring(5).strip().split(" ");
                    if (p.length == 2 && p[0].equals("created")) {
                        visibleFuture(p[1]).complete(now);
                    }
                }
            }));
            t.setDaemon(true);
            t.start();
        });
        // The stream sends its headers with the first event; give the subscription a moment to be registered.
        Thread.sleep(500);
    }

    static CompletableFuture<Long> visibleFuture(String id) {
        return visible.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    static HttpResponse<String> page(String kind, String path, List<String> collectIds) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> res = inbox("GET", path, null);
        long t = System.nanoTime() - t0;
        if (res.statusCode() != 200) {
            error(kind + " answered " + res.statusCode());
            return null;
        }
        sample(kind, t);
        if (collectIds != null) {
            Matcher m = REQUEST_LINK.matcher(res.body());
            while (m.find() && collectIds.size() < 5000) {
                collectIds.add(m.group(1));
            }
        }
        return res;
    }

    static HttpResponse<String> inbox(String method, String path, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(FaultLoad.base + path)).timeout(Duration.ofSeconds(30))
                .header("Cookie", cookie);
        if (form != null) {
            // a browser's form post names its origin; the inbox refuses forms without one (docs/inbox.md)
            b.header("Content-Type", "application/x-www-form-urlencoded").header("Origin", FaultLoad.base)
                    .method(method, HttpRequest.BodyPublishers.ofString(form));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return FaultLoad.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder api(String method, String path, String bearer, String body) {
        return HttpRequest.newBuilder(URI.create(FaultLoad.base + path)).timeout(Duration.ofSeconds(70))
                .header("Authorization", "Bearer " + bearer).method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    // ------------------------------------------------------------------ bookkeeping

    static void sample(String name, long nanos) {
        samples.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(nanos);
    }

    static void error(String kind) {
        errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    static long errorCount() {
        return errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Prints and returns "n=…, p50/p90/p95/p99/max … ms" of one measure. */
    static String report(String name) {
        List<Long> s = samples.getOrDefault(name, List.of());
        if (s.isEmpty()) {
            System.out.println(name + ": no samples");
            return "no samples";
        }
        long[] v = s.stream().mapToLong(Long::longValue).sorted().toArray();
        String line = String.format("n=%d p50 %.1f / p90 %.1f / p95 %.1f / p99 %.1f / max %.1f ms", v.length, ms(v, 0.50),
                ms(v, 0.90), ms(v, 0.95), ms(v, 0.99), v[v.length - 1] / 1e6);
        System.out.println(name + ": " + line);
        return line;
    }

    static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long d = nanoTime - System.nanoTime();
        if (d > 0) {
            TimeUnit.NANOSECONDS.sleep(d);
        }
    }

    static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        };
    }
}
