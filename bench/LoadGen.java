// Countersign load generator: a single-file Java 17 program (run with `java bench/LoadGen.java`).
// Why Java and not wrk: it signs its own agent tokens, registers agents through the admin API,
// and measures an OPEN-loop fixed rate (latency from the intended send time, so a stalled server
// cannot hide its queueing delay — no coordinated omission), which stock wrk cannot do.
//
// Usage: java bench/LoadGen.java <baseUrl> <privateKeyPem> <mode> <seconds> [rate|concurrency] [agents]
//   (env LOADGEN_WARMUP_SECONDS: unmeasured closed-loop warm-up first, default 60; 0 = none; then
//    LOADGEN_SETTLE_SECONDS, default 20: an unmeasured segment of the measured mode itself)
//   mode = peak  : closed loop, N concurrent requests in flight (N = 4th arg), reports throughput
//          rate  : open loop at a fixed rate (requests/s = 4th arg), reports latency percentiles
// The mix is 50% auto-approve (sandbox payment) and 50% deny (production DROP DATABASE).
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
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class LoadGen {

    static final String ISSUER = System.getenv().getOrDefault("BENCH_ISSUER", "https://countersign.dev/issuer");
    static final AtomicLong SEQ = new AtomicLong();
    /** Completed (201) requests are also counted per window of this many seconds, to show whether a run was steady. */
    static final int WINDOW_SECONDS = 10;
    static final String RUN = Long.toString(System.currentTimeMillis(), 36);

    public static void main(String[] a) throws Exception {
        String base = a[0];
        PrivateKey key = loadKey(Path.of(a[1]));
        String mode = a[2];
        int seconds = Integer.parseInt(a[3]);
        int param = Integer.parseInt(a[4]);
        int agentCount = a.length > 5 ? Integer.parseInt(a[5]) : 8;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(5)).build();

        String admin = token(key, "bench-admin", "admin");
        List<String> agentTokens = new ArrayList<>();
        for (int i = 0; i < agentCount; i++) {
            String id = "bench-" + RUN + "-" + i;
            String body = "{\"id\":\"" + id + "\",\"displayName\":\"bench\",\"ownerUserId\":\"bench-owner\","
                    + "\"allowedTypes\":[\"payment.transfer\",\"db.schema.change\"],\"allowedTargets\":[\"**\"],"
                    + "\"allowedEnvironments\":[\"sandbox\",\"production\"],"
                    + "\"quotas\":{\"requestsPerMinute\":100000,\"maxPendingReviews\":100000}}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/admin/agents"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("cannot register agent: " + r.statusCode() + " " + r.body());
            }
            agentTokens.add(token(key, id, "agent"));
        }
        // Warm-up, closed loop, not measured: long enough for the server's JIT compilers to settle.
        // A 5 s warm-up left the C1/C2 compiler threads using ~4 ms of CPU per request during the
        // measured window, several times the steady-state cost of the request itself.
        int warmup = Integer.parseInt(System.getenv().getOrDefault("LOADGEN_WARMUP_SECONDS", "60"));
        if (warmup > 0) {
            run(base, agentTokens, "peak", warmup, 16);
            // One more unmeasured segment in the measured mode, on fresh threads and sockets as the
            // measured one will be. Without it the first 10 s of every measured peak were 5-25 % below
            // the rest; after such a segment they are not (docs/benchmarks.md, "Fast path", machine C).
            // The segment that follows the warm-up shows the dip itself, so the dip belongs to the load
            // generator's second run, not to the server (presumably its new threads' loop starting
            // interpreted again).
            int settle = Integer.parseInt(System.getenv().getOrDefault("LOADGEN_SETTLE_SECONDS", "20"));
            if (settle > 0) {
                run(base, agentTokens, mode, settle, param);
            }
        }
        Result res = run(base, agentTokens, mode, seconds, param);
        System.out.println(res.summary(mode, param));
        System.exit(0); // the HTTP client's executor threads are not daemons
    }

    record Result(long sent, long ok, Map<Integer, Long> statuses, long errors, long[] latNanos, double seconds,
            long[] okPerWindow) {
        String summary(String mode, int param) {
            long[] l = latNanos;
            Arrays.sort(l);
            StringBuilder windows = new StringBuilder();
            for (long w : okPerWindow) {
                windows.append(windows.length() == 0 ? "" : ",").append(w / WINDOW_SECONDS);
            }
            return String.format("mode=%s param=%d sent=%d ok=%d errors=%d statuses=%s throughput=%.1f/s "
                    + "p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms per-%ds-window=[%s]/s", mode, param, sent, ok, errors,
                    statuses, ok / seconds, pct(l, 50), pct(l, 90), pct(l, 99), l.length == 0 ? 0 : l[l.length - 1] / 1e6,
                    WINDOW_SECONDS, windows);
        }

        static double pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
        }
    }

    /**
     * Drives the load over plain keep-alive HTTP/1.1 sockets, one thread per connection, with the
     * request bytes prepared up front: the generator must cost far less CPU than the server it
     * measures, because both share the same two cores (the JDK HttpClient cost ~3 ms of CPU per
     * request, as much as the server). peak: each connection sends its next request as soon as
     * the previous answer is read (closed loop). rate: the workers take the next intended send
     * time from a shared schedule (start + i / rate); a worker that picks a time already past
     * sends at once, so latency counts from the intended time and queueing in a slow server
     * shows up in the percentiles (no coordinated omission, as in wrk2).
     */
    static Result run(String base, List<String> tokens, String mode, int seconds, int param) throws Exception {
        boolean rate = mode.equals("rate");
        int conns = rate ? Math.max(16, Math.min(256, param / 8)) : param;
        URI uri = URI.create(base);
        String host = uri.getHost();
        int port = uri.getPort();
        long[] lat = new long[Math.max(1, seconds * (rate ? param : 40000))];
        AtomicLong n = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong next = new AtomicLong();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLongArray perWindow = new java.util.concurrent.atomic.AtomicLongArray(
                (seconds + WINDOW_SECONDS - 1) / WINDOW_SECONDS + 1);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long interval = rate ? 1_000_000_000L / param : 0;
        CountDownLatch done = new CountDownLatch(conns);
        byte[][] prefixes = new byte[tokens.size()][];
        for (int i = 0; i < tokens.size(); i++) {
            prefixes[i] = ("POST /api/v1/actions HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nAuthorization: Bearer " + tokens.get(i)
                    + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + RUN + "-")
                    .getBytes(StandardCharsets.US_ASCII);
        }
        for (int c = 0; c < conns; c++) {
            Thread t = new Thread(() -> {
                java.net.Socket sock = null;
                try {
                    java.io.InputStream in = null;
                    java.io.OutputStream out = null;
                    while (true) {
                        long intended;
                        if (rate) {
                            intended = start + next.getAndIncrement() * interval;
                            if (intended >= end) {
                                break;
                            }
                            long wait = intended - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                        } else {
                            intended = System.nanoTime();
                            if (intended >= end) {
                                break;
                            }
                        }
                        long seq = SEQ.incrementAndGet();
                        byte[] body = (seq % 2 == 0 ? approve(seq) : deny(seq)).getBytes(StandardCharsets.UTF_8);
                        byte[] head = (seq + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                        int status;
                        try {
                            if (sock == null) {
                                sock = new java.net.Socket(host, port);
                                sock.setTcpNoDelay(true);
                                sock.setSoTimeout(30_000);
                                in = new java.io.BufferedInputStream(sock.getInputStream(), 16384);
                                out = new java.io.BufferedOutputStream(sock.getOutputStream(), 16384);
                            }
                            out.write(prefixes[(int) (seq % prefixes.length)]);
                            out.write(head);
                            out.write(body);
                            out.flush();
                            status = readResponse(in);
                        } catch (java.io.IOException e) {
                            errors.incrementAndGet();
                            if (sock != null) {
                                sock.close();
                            }
                            sock = null;
                            continue;
                        }
                        long d = System.nanoTime() - intended;
                        statuses.merge(status, 1L, Long::sum);
                        if (status == 201) {
                            ok.incrementAndGet();
                            int w = (int) ((System.nanoTime() - start) / TimeUnit.SECONDS.toNanos(WINDOW_SECONDS));
                            perWindow.incrementAndGet(Math.min(w, perWindow.length() - 1));
                        }
                        long i = n.getAndIncrement();
                        if (i < lat.length) {
                            lat[(int) i] = d;
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                } finally {
                    try {
                        if (sock != null) {
                            sock.close();
                        }
                    } catch (java.io.IOException ignored) {
                        // closing
                    }
                    done.countDown();
                }
            }, "loadgen-" + c);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        double secs = (System.nanoTime() - start) / 1e9;
        long sent = n.get() + errors.get();
        long[] windows = new long[seconds / WINDOW_SECONDS]; // whole windows only; a tail shorter than one is left out
        for (int w = 0; w < windows.length; w++) {
            windows[w] = perWindow.get(w);
        }
        return new Result(sent, ok.get(), new TreeMap<>(statuses), errors.get(),
                Arrays.copyOf(lat, (int) Math.min(n.get(), lat.length)), secs, windows);
    }

    /** Reads one HTTP/1.1 response (status line, headers, Content-Length body) and returns its status. */
    static int readResponse(java.io.InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder(128);
        int status = -1;
        long length = 0;
        boolean chunked = false;
        while (true) {
            line.setLength(0);
            int ch;
            while ((ch = in.read()) != '\n') {
                if (ch < 0) {
                    throw new java.io.EOFException("connection closed by the server");
                }
                if (ch != '\r') {
                    line.append((char) ch);
                }
            }
            if (line.length() == 0) {
                break;
            }
            String l = line.toString();
            if (status < 0) {
                status = Integer.parseInt(l.substring(9, 12));
            } else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Long.parseLong(l.substring(15).trim());
            } else if (l.regionMatches(true, 0, "transfer-encoding:", 0, 18) && l.toLowerCase().contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            throw new java.io.IOException("chunked responses are not expected from the submission endpoint");
        }
        while (length > 0) {
            long skipped = in.skip(length);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new java.io.EOFException("truncated body");
                }
                skipped = 1;
            }
            length -= skipped;
        }
        return status;
    }

    static String approve(long seq) {
        return "{\"type\":\"payment.transfer\",\"target\":\"acct:bench/" + seq + "\",\"environment\":\"sandbox\","
                + "\"summary\":\"bench payment\",\"justification\":\"load test\",\"payload\":{\"amount\":\"12.50\","
                + "\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACME\",\"iban\":\"DE89370400440532013000\"},"
                + "\"reference\":\"B-" + seq + "\"}}";
    }

    static String deny(long seq) {
        return "{\"type\":\"db.schema.change\",\"target\":\"db://prod/bench\",\"environment\":\"production\","
                + "\"summary\":\"bench drop\",\"justification\":\"load test\",\"payload\":{\"database\":\"bench\","
                + "\"statements\":[\"DROP DATABASE bench_" + seq + "\"]}}";
    }

    static String token(PrivateKey key, String sub, String group) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"dev-issuer-1\"}");
        String claims = b64("{\"iss\":\"" + ISSUER + "\",\"aud\":\"countersign\",\"sub\":\"" + sub + "\",\"upn\":\""
                + sub + "\",\"groups\":[\"" + group + "\"],\"iat\":" + now + ",\"exp\":" + (now + 7200) + "}");
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static PrivateKey loadKey(Path pem) throws Exception {
        String b = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b)));
    }
}
