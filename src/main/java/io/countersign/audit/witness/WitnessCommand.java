package io.countersign.audit.witness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.countersign.audit.SignedNote;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code witness} command of the packaged application: a C2SP tlog-witness HTTP service
 * ({@code POST /add-checkpoint}) that cosigns checkpoints of the logs whose keys it is given,
 * never a smaller or inconsistent tree than the last one it cosigned. It runs without the
 * server, the database or Quarkus: the JDK's own HTTP server keeps it small and independent
 * of the gateway it watches.
 *
 * <pre>
 * witness keygen --name NAME --key FILE
 * witness --key FILE --log-key VKEY [--log-key VKEY]... --state-dir DIR [--listen HOST:PORT]
 * </pre>
 */
public final class WitnessCommand {

    /** Exit code: wrong command line. */
    public static final int USAGE = 2;
    /** Exit code: key or state unreadable, or the port cannot be bound. */
    public static final int UNREADABLE = 3;
    /** Listen address when {@code --listen} is not given. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:7380";

    private static final String USAGE_TEXT = "usage: witness --key <file> --log-key <note verifier key>... --state-dir <dir> "
            + "[--listen <host:port>]\n       witness keygen --name <witness name> --key <file>";

    private WitnessCommand() {
    }

    /** A running witness. */
    public static final class Running implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService executor;
        private final Cosignature.CosignerKey verifier;

        Running(HttpServer server, ExecutorService executor, Cosignature.CosignerKey verifier) {
            this.server = server;
            this.executor = executor;
            this.verifier = verifier;
        }

        /** The port it listens on. */
        public int port() {
            return server.getAddress().getPort();
        }

        /** The witness's public key as a vkey. */
        public Cosignature.CosignerKey verifier() {
            return verifier;
        }

        /** Stops answering and frees the port. */
        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** Thrown by {@link #start} with the exit code and message of a refusal. */
    public static final class Refused extends Exception {
        private final int code;

        Refused(int code, String message) {
            super(message);
            this.code = code;
        }

        /** The exit code. */
        public int code() {
            return code;
        }
    }

    /** Runs the command: {@code keygen} returns at once; the service runs until the JVM is stopped. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("keygen")) {
            return keygen(args, out, err);
        }
        Running running;
        try {
            running = start(args);
        } catch (Refused e) {
            err.println(e.getMessage());
            return e.code();
        }
        out.println("witness " + running.verifier().format() + " listening on http://" + running.server.getAddress().getHostString()
                + ":" + running.port() + "/add-checkpoint");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "witness-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int keygen(String[] args, PrintStream out, PrintStream err) {
        String name = null;
        String file = null;
        for (int i = 1; i < args.length; i++) {
            if ((args[i].equals("--name") || args[i].equals("--key")) && i + 1 < args.length) {
                if (args[i].equals("--name")) {
                    name = args[++i];
                } else {
                    file = args[++i];
                }
            } else {
                err.println("unexpected argument " + args[i] + "\n" + USAGE_TEXT);
                return USAGE;
            }
        }
        if (name == null || file == null) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        try {
            out.println(WitnessKey.generate(name, Path.of(file)).verifier().format());
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot create the witness key " + file + ": " + e);
            return UNREADABLE;
        }
    }

    /** Parses the arguments and starts the HTTP service (the code path of {@link #run}, also used by tests). */
    public static Running start(String[] args) throws Refused {
        String keyFile = null;
        String stateDir = null;
        String listen = DEFAULT_LISTEN;
        List<SignedNote.VerifierKey> logKeys = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!List.of("--key", "--log-key", "--state-dir", "--listen").contains(a)) {
                throw new Refused(USAGE, "unexpected argument " + a + "\n" + USAGE_TEXT);
            }
            if (i + 1 >= args.length) {
                throw new Refused(USAGE, a + " needs a value\n" + USAGE_TEXT);
            }
            String v = args[++i];
            switch (a) {
                case "--key" -> keyFile = v;
                case "--state-dir" -> stateDir = v;
                case "--listen" -> listen = v;
                default -> {
                    try {
                        logKeys.add(SignedNote.VerifierKey.parse(v));
                    } catch (IllegalArgumentException e) {
                        throw new Refused(USAGE, "--log-key " + v + ": " + e.getMessage());
                    }
                }
            }
        }
        if (keyFile == null || stateDir == null || logKeys.isEmpty()) {
            throw new Refused(USAGE, USAGE_TEXT);
        }
        int colon = listen.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new Refused(USAGE, "--listen needs host:port, not " + listen);
        }
        WitnessKey key;
        WitnessState state;
        try {
            key = WitnessKey.read(Path.of(keyFile));
            state = new WitnessState(Path.of(stateDir));
        } catch (IOException | IllegalArgumentException e) {
            throw new Refused(UNREADABLE, "cannot read the witness key or state: " + e.getMessage());
        }
        WitnessHandler handler = new WitnessHandler(key, logKeys, state, Clock.systemUTC());
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(colon > 0 ? listen.substring(0, colon) : "127.0.0.1", port), 16);
        } catch (IOException e) {
            throw new Refused(UNREADABLE, "cannot listen on " + listen + ": " + e.getMessage());
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "witness-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> serve(handler, exchange));
        server.start();
        return new Running(server, executor, key.verifier());
    }

    private static void serve(WitnessHandler handler, HttpExchange exchange) throws IOException {
        try (exchange) {
            WitnessHandler.Reply reply;
            if (!exchange.getRequestURI().getPath().equals("/add-checkpoint")) {
                reply = WitnessHandler.Reply.text(404, "not found: the witness serves POST /add-checkpoint");
            } else if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().add("Allow", "POST");
                reply = WitnessHandler.Reply.text(405, "use POST");
            } else {
                byte[] body = exchange.getRequestBody().readNBytes(WitnessHandler.MAX_BODY + 1);
                reply = body.length > WitnessHandler.MAX_BODY
                        ? WitnessHandler.Reply.text(413, "request larger than " + WitnessHandler.MAX_BODY + " bytes")
                        : handler.addCheckpoint(body);
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    /** The file in which a witness keeps an origin's latest cosigned checkpoint (documented for auditors). */
    public static Path stateFile(Path stateDir, String origin) {
        return WitnessState.file(stateDir, origin);
    }
}
