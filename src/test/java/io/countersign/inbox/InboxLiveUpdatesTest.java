package io.countersign.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The SSE stream behind live inbox updates, at the HTTP level. */
@QuarkusTest
class InboxLiveUpdatesTest {

    @TestHTTPResource("/inbox/events")
    URL events;

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Test
    void newTaskOfMyGroupIsAnnouncedOnTheEventStream() throws Exception {
        InboxClient c = InboxClient.signedIn(Tokens.reviewer("dora-" + UUID.randomUUID(), "dba"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(events.toString()))
                .header("Cookie", "countersign_session=" + c.cookies().get("countersign_session"))
                .header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, resp.statusCode());
        assertTrue(resp.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        java.util.Queue<String> lines = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                // stream closed at the end of the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "CREATE INDEX l ON t (c)"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> lines.stream().anyMatch(l -> l.startsWith("data:") && l.endsWith("created " + id)));
        resp.body().close();
    }

    @Test
    void eventStreamNeedsASession() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(events.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, resp.statusCode());
    }
}
