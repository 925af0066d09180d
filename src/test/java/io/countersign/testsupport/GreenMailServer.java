package io.countersign.testsupport;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * A real SMTP server (GreenMail) on a free local port for the application's mailer; tests reach
 * it through {@link #server()} and may stop and restart it on the same port (an outage).
 */
public class GreenMailServer implements QuarkusTestResourceLifecycleManager {

    private static volatile GreenMail server;
    private static int port;

    @Override
    public Map<String, String> start() {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restart();
        return Map.of("quarkus.mailer.mock", "false", "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", Integer.toString(port), "quarkus.mailer.start-tls", "DISABLED",
                "quarkus.mailer.from", "Countersign <countersign@test.example>");
    }

    /** The running server. */
    public static GreenMail server() {
        return server;
    }

    /** Starts the server again on its port (after {@code server().stop()}). */
    public static void restart() {
        server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
