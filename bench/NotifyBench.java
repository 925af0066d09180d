// Countersign notification bench driver (Java 17; compiled with bench/FaultLoad.java and
// bench/ReviewBench.java by bench/bench-lib.sh, whose agents, tokens, submissions and percentile
// bookkeeping it reuses).
//
//   notify <baseUrl> <privateKeyPem> <seconds> <rate> <smtpPort> <slackPort>
//       open loop: <rate> review-path submissions per second for <seconds> (production schema
//       changes, group dba, whose one member has an e-mail address and whose route posts to a Slack
//       channel). Serves a minimal SMTP server on <smtpPort> and a fake of Slack's Web API on
//       <slackPort>, and measures, from each submission's INTENDED send time: the review e-mail
//       accepted by the SMTP server (end of DATA), and chat.postMessage received. Then clicks the
//       message's Approve button as Slack would (a signed interactivity request from the linked
//       Slack user) while the agent long-polls, and measures click sent -> long-poll APPROVED.
// Prints percentile lines and a final "RESULT ..." line; exit code 1 on any error.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class NotifyBench {

    static final String SIGNING_SECRET = "bench-signing-secret-not-for-production";
    static final String TEAM = "T0BENCH01";
    static final String SLACK_USER = "U0BENCH01";
    static final Pattern REQUEST = Pattern.compile("/inbox/requests/([0-9a-f-]{36})");
    static final Pattern VALUE = Pattern.compile("\"value\":\"(([0-9a-f-]{36})\\|\\d+\\|[0-9a-f]{64})\"");
    static final String MAIL = "submit -> review e-mail accepted by the SMTP server";
    static final String POST = "submit -> Slack chat.postMessage received";
    static final String CLICK = "Slack click sent -> long-poll APPROVED";

    static final Map<String, CompletableFuture<Long>> mailed = new ConcurrentHashMap<>();
    static final Map<String, CompletableFuture<String>> posted = new ConcurrentHashMap<>();
    static final Map<String, Long> postedAt = new ConcurrentHashMap<>();
    static int slackPort;

    public static void main(String[] a) throws Exception {
        FaultLoad.base = a[1];
        FaultLoad.key = FaultLoad.loadKey(Path.of(a[2]));
        FaultLoad.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).executor(Executors.newCachedThreadPool(ReviewBench.daemon())).build();
        int seconds = Integer.parseInt(a[3]);
        int rate = Integer.parseInt(a[4]);
        smtp(Integer.parseInt(a[5]));
        slackPort = Integer.parseInt(a[6]);
        slack(slackPort);
        FaultLoad.register("notify");
        for (int i = 0; i < 5; i++) { // warm-up, not counted
            flow(FaultLoad.agentId("notify", i % FaultLoad.AGENTS), System.nanoTime());
        }
        if (!ReviewBench.errors.isEmpty()) {
            throw new IllegalStateException("warm-up failed: " + ReviewBench.errors);
        }
        ReviewBench.samples.clear();
        ExecutorService pool = Executors.newCachedThreadPool(ReviewBench.daemon());
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        List<java.util.concurrent.Future<?>> flows = new ArrayList<>();
        for (int i = 0; i < seconds * rate; i++) {
            long intended = start + i * period;
            ReviewBench.sleepUntil(intended);
            String agent = FaultLoad.agentId("notify", i % FaultLoad.AGENTS);
            flows.add(pool.submit(() -> flow(agent, intended)));
        }
        for (var f : flows) {
            f.get(120, TimeUnit.SECONDS);
        }
        System.out.printf("offered %d submissions at %d/s%n", seconds * rate, rate);
        String mail = ReviewBench.report(MAIL);
        String post = ReviewBench.report(POST);
        String click = ReviewBench.report(CLICK);
        ReviewBench.report("submit answered (201)");
        System.out.println("RESULT notifications at " + rate + "/s x " + seconds + " s: e-mail " + mail + "; Slack post " + post
                + "; click -> long-poll " + click + "; errors " + ReviewBench.errorCount());
        System.out.println("errors: " + (ReviewBench.errors.isEmpty() ? "0" : ReviewBench.errors));
        System.exit(ReviewBench.errors.isEmpty() ? 0 : 1);
    }

    static void flow(String agent, long intended) {
        try {
            String ref = agent + "-" + System.currentTimeMillis() + "-" + FaultLoad.seq.incrementAndGet();
            String id = ReviewBench.submit(agent, ref);
            if (id == null) {
                return;
            }
            ReviewBench.sample("submit answered (201)", System.nanoTime() - intended);
            long mailAt = mailed.computeIfAbsent(id, k -> new CompletableFuture<>()).get(60, TimeUnit.SECONDS);
            String value = posted.computeIfAbsent(id, k -> new CompletableFuture<>()).get(60, TimeUnit.SECONDS);
            ReviewBench.sample(MAIL, mailAt - intended);
            ReviewBench.sample(POST, postedAt.get(id) - intended);
            CompletableFuture<HttpResponse<String>> poll = FaultLoad.http.sendAsync(ReviewBench.api("GET",
                    "/api/v1/actions/" + id + "?wait=60s", FaultLoad.token(agent, "agent"), null).build(),
                    HttpResponse.BodyHandlers.ofString());
            CompletableFuture<Long> answered = poll.thenApply(r -> System.nanoTime());
            Thread.sleep(20); // the long-poll is parked before the click, as an agent's would be
            long tClick = System.nanoTime();
            HttpResponse<String> clicked = click(value);
            if (clicked.statusCode() != 200) {
                ReviewBench.error("click answered " + clicked.statusCode() + ": " + clicked.body());
                return;
            }
            HttpResponse<String> woke = poll.get(65, TimeUnit.SECONDS);
            if (!woke.body().contains("\"status\":\"APPROVED\"")) {
                ReviewBench.error("long-poll returned without APPROVED");
                return;
            }
            ReviewBench.sample(CLICK, answered.get() - tClick);
        } catch (java.util.concurrent.TimeoutException e) {
            ReviewBench.error("no e-mail or Slack post within 60 s");
        } catch (Exception e) {
            ReviewBench.error(e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    /** The interactivity request Slack sends for a click on Approve, signed with the app's signing secret. */
    static HttpResponse<String> click(String value) throws Exception {
        String payload = "{\"type\":\"block_actions\",\"trigger_id\":\"" + UUID.randomUUID() + "\",\"team\":{\"id\":\"" + TEAM
                + "\"},\"user\":{\"id\":\"" + SLACK_USER + "\"},\"response_url\":\"http://127.0.0.1:" + slackPort
                + "/slack/response\",\"actions\":[{\"action_id\":\"countersign_approve\",\"value\":\"" + value + "\"}]}";
        String body = "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
        String ts = Long.toString(Instant.now().getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SIGNING_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String sig = "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + ts + ":" + body).getBytes(StandardCharsets.UTF_8)));
        return FaultLoad.http.send(HttpRequest.newBuilder(URI.create(FaultLoad.base + "/api/v1/slack/interactivity"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", sig).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A minimal SMTP server: accepts every message; the end of DATA completes its request's future. */
    static void smtp(int port) throws Exception {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", port));
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> session(s));
                    t.setDaemon(true);
                    t.start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static void session(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream()) {
            write(out, "220 bench ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (cmd) {
                    case "EHLO" -> write(out, "250-bench\r\n250 8BITMIME");
                    case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> write(out, "250 OK");
                    case "DATA" -> {
                        write(out, "354 end with .");
                        StringBuilder data = new StringBuilder();
                        String d;
                        while ((d = in.readLine()) != null && !d.equals(".")) {
                            data.append(d.endsWith("=") ? d.substring(0, d.length() - 1) : d + "\n");
                        }
                        long at = System.nanoTime();
                        Matcher m = REQUEST.matcher(data);
                        if (m.find()) {
                            mailed.computeIfAbsent(m.group(1), k -> new CompletableFuture<>()).complete(at);
                        }
                        write(out, "250 queued");
                    }
                    case "QUIT" -> {
                        write(out, "221 bye");
                        return;
                    }
                    default -> write(out, "502 unknown");
                }
            }
        } catch (Exception e) {
            // the mailer closed the connection
        }
    }

    static void write(OutputStream out, String reply) throws Exception {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Slack's Web API as far as Countersign calls it, and the response_url of clicks. */
    static void slack(int port) throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        AtomicLong ts = new AtomicLong(1_700_000_000L);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            long at = System.nanoTime();
            String answer = "{\"ok\":true}";
            if (ex.getRequestURI().getPath().endsWith("/chat.postMessage")) {
                Matcher v = VALUE.matcher(body);
                if (v.find()) {
                    postedAt.put(v.group(2), at);
                    posted.computeIfAbsent(v.group(2), k -> new CompletableFuture<>()).complete(v.group(1));
                }
                answer = "{\"ok\":true,\"channel\":\"C0BENCH01\",\"ts\":\"" + ts.incrementAndGet() + ".000100\"}";
            }
            byte[] b = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(8, ReviewBench.daemon()));
        server.start();
    }
}
