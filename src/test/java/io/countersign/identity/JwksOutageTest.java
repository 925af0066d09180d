package io.countersign.identity;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import com.sun.net.httpserver.HttpServer;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bearer verification against a JWKS URL that goes away: the application starts, readiness is
 * DOWN and calls get 503 problem+json while the URL does not answer, and both recover when it does.
 */
@QuarkusTest
@TestProfile(JwksOutageTest.RemoteJwks.class)
class JwksOutageTest {

    /** Serves the fixture issuer's JWKS on a local port that the test switches on and off. */
    public static class JwksServer implements QuarkusTestResourceLifecycleManager {
        static int port;
        static HttpServer server;

        @Override
        public Map<String, String> start() {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            // Starts switched off: the first start of the application finds the URL unreachable.
            return Map.of("mp.jwt.verify.publickey.location", "http://127.0.0.1:" + port + "/jwks.json",
                    "countersign.identity.token-cache-ttl", "PT0S");
        }

        static synchronized void switchOn() throws IOException {
            byte[] jwks = Files.readAllBytes(Path.of("src/test/resources/keys/dev-issuer-jwks.json"));
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/jwks.json", ex -> {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, jwks.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(jwks);
                }
            });
            server.start();
        }

        @Override
        public synchronized void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    /** Keys from the switchable local JWKS URL. */
    public static class RemoteJwks implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(JwksServer.class));
        }
    }

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readiness;

    @Inject
    TestAgents agents;

    @Test
    void readinessIsDownAndCallsAre503UntilTheJwksAnswersThenBothRecover() throws Exception {
        String agent = agents.register();
        given().when().get(readiness)
                .then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'jwt-keys' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'jwt-keys' }.data.error", containsString("cannot be reached"));
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("https://countersign.dev/problems/service-unavailable"))
                .body("detail", containsString("identity provider"));

        JwksServer.switchOn();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get(readiness)
                .then().statusCode(200).body("checks.name", hasItem("jwt-keys")));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().auth().oauth2(Tokens.agent(agent))
                .when().get("/api/v1/actions").then().statusCode(200));
        // A bad token while the keys are reachable is still a 401, not a 503.
        given().auth().oauth2("not.a.token").when().get("/api/v1/actions").then().statusCode(401);
    }
}
