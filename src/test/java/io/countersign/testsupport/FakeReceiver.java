package io.countersign.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;

/**
 * An in-process HTTP receiver for protocol-level fakes of hosted services (Teams webhooks, a
 * reviewer-side webhook, Slack's Web API): it records every request and answers with what the
 * path's checker returns (a documented-shape check answers 400 naming the problem, as the real
 * service refuses a malformed message), or with statuses a test queued (outages).
 */
public final class FakeReceiver {

    /** One request as received ({@code nanos}: when, by {@link System#nanoTime()}). */
    public record Received(String method, String path, Map<String, List<String>> headers, String body, long nanos) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    /** An answer: status, headers, body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer ok(String body) {
            return new Answer(200, Map.of("Content-Type", "application/json"), body);
        }

        public static Answer status(int status) {
            return new Answer(status, Map.of(), "");
        }
    }

    private final HttpServer server;
    private final List<Received> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Function<Received, Answer>> handlers = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedDeque<Answer>> queued = new ConcurrentHashMap<>();

    public FakeReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** How requests to {@code path} are answered (default: 200 with an empty body). */
    public void on(String path, Function<Received, Answer> handler) {
        handlers.put(path, handler);
    }

    /** The next requests to {@code path} get these answers first, in order. */
    public void queue(String path, Answer... answers) {
        queued.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>()).addAll(List.of(answers));
    }

    /** Every request to {@code path} so far, in arrival order. */
    public List<Received> received(String path) {
        synchronized (received) {
            return received.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Received r = new Received(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()),
                body, System.nanoTime());
        received.add(r);
        ConcurrentLinkedDeque<Answer> q = queued.get(r.path());
        Answer a = q != null && !q.isEmpty() ? q.poll()
                : handlers.getOrDefault(r.path(), x -> Answer.ok("")).apply(r);
        a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            ex.getResponseBody().write(out);
        }
        ex.close();
    }

    public void stop() {
        server.stop(0);
    }
}
