package io.countersign.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.common.delivery.DeliveryStatus;
import io.countersign.review.Decision;
import io.countersign.review.ReviewFixture;
import io.countersign.review.ReviewQueries;
import io.countersign.review.ReviewService;
import io.countersign.review.Views.Reviewer;
import io.countersign.testsupport.FakeReceiver.Answer;
import io.countersign.testsupport.FakeReceiver.Received;
import io.countersign.testsupport.NodeScripts;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The group channels against protocol-level fakes: the reviewer-side webhook (signed the Standard
 * Webhooks way, verified with the official library) and Teams (an Adaptive Card of the documented
 * shape, request text never rendered as markdown, long payloads cut); receiver failures delay
 * (Retry-After honoured) or park (410), and nothing is delivered twice.
 */
@QuarkusTest
@TestProfile(NotificationsProfile.class)
class ChannelNotificationTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    ReviewService reviews;

    @Inject
    ReviewQueries queries;

    @Inject
    NotificationStore store;

    /** Requests to {@code path} whose body names {@code requestId}, in arrival order. */
    static List<Received> about(String path, UUID requestId) {
        return ChatFakes.receiver().received(path).stream().filter(r -> r.body().contains(requestId.toString())).toList();
    }

    static List<Received> awaitAbout(String path, UUID requestId, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> about(path, requestId).size() >= count);
        return about(path, requestId);
    }

    static JsonNode json(Received r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void aGroupsWebhookGetsSignedEventsTheOfficialLibraryVerifiesAskThenEnd() throws Exception {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.payment("2500.00", "staging"));
        Received asked = awaitAbout(ChatFakes.HOOK, id, 1).get(0);
        NodeScripts.Result verified = NodeScripts.run("verify-webhook.mjs", asked.body(), ChatFakes.HOOK_SECRET,
                asked.header("webhook-id"), asked.header("webhook-timestamp"), asked.header("webhook-signature"));
        assertThat(verified.exit()).as(verified.out()).isZero();
        JsonNode event = json(asked);
        assertThat(event.path("type").asText()).isEqualTo("review.requested");
        assertThat(event.path("data").path("group").asText()).isEqualTo("payments");
        assertThat(event.path("data").path("status").asText()).isEqualTo("PENDING_REVIEW");
        assertThat(event.path("data").path("type").asText()).isEqualTo("payment.transfer");
        assertThat(event.path("data").path("link").asText())
                .isEqualTo(NotificationsProfile.BASE_URL + "/inbox/requests/" + id);
        assertThat(asked.header("webhook-id")).startsWith("ntf_");

        Reviewer pia = ReviewFixture.reviewer("pia-" + UUID.randomUUID(), "payments");
        var task = fixture.awaitTask(pia, id);
        reviews.recordDecision(pia, id, task.taskKey(), Decision.REJECT, "wrong account",
                queries.detail(pia, id).action().payloadSha256());
        Received ended = awaitAbout(ChatFakes.HOOK, id, 2).get(1);
        JsonNode end = json(ended);
        assertThat(end.path("type").asText()).isEqualTo("review.closed");
        assertThat(end.path("data").path("status").asText()).isEqualTo("REJECTED");
        assertThat(end.path("data").path("decisions").get(0).path("reviewer").asText()).isEqualTo(pia.userId());
        assertThat(end.path("data").path("decisions").get(0).path("decision").asText()).isEqualTo("REJECT");
        assertThat(NodeScripts.run("verify-webhook.mjs", ended.body(), ChatFakes.HOOK_SECRET, ended.header("webhook-id"),
                ended.header("webhook-timestamp"), ended.header("webhook-signature")).exit()).isZero();
        assertThat(ended.header("webhook-id")).isNotEqualTo(asked.header("webhook-id"));
    }

    @Test
    void teamsGetsAnAdaptiveCardWhoseRequestTextIsNeverMarkdownAndLongPayloadsAreCut() throws Exception {
        String agent = agents.register();
        String statement = "x".repeat(9000);
        String body = Payloads.submission("ops.restart", "svc:api", "production", "{\"service\":\"api\",\"note\":\""
                + statement + "\"}").replace("\"summary\":\"test summary\"",
                        "\"summary\":\"restart [click here](https://evil.example) **now**\"");
        UUID id = fixture.submit(agent, body);
        Received card = awaitAbout(ChatFakes.TEAMS, id, 1).get(0);
        // the fake answered 202 only if the message had Teams' documented shape
        assertThat(ChatFakes.teamsProblem(card.body())).isNull();
        assertThat(card.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(28 * 1024);
        JsonNode content = json(card).path("attachments").get(0).path("content");
        List<String> runs = new ArrayList<>();
        for (JsonNode e : content.path("body")) {
            if ("TextBlock".equals(e.path("type").asText())) {
                assertThat(e.path("text").asText()).as("TextBlocks (markdown) hold only Countersign's own words")
                        .doesNotContain("evil.example");
            }
            e.path("inlines").forEach(r -> runs.add(r.path("text").asText()));
        }
        assertThat(runs).anyMatch(t -> t.contains("restart [click here](https://evil.example) **now**"));
        assertThat(runs).noneMatch(t -> t.contains(statement)).anyMatch(t -> t.contains("xxxx") && t.endsWith("\u2026"));
        assertThat(card.body()).contains("The payload is longer: see the full request.");
        JsonNode actions = content.path("actions");
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).path("url").asText()).isEqualTo(NotificationsProfile.BASE_URL + "/inbox/requests/" + id);
    }

    @Test
    void aWebhookThatAsksToWaitIsRetriedAfterRetryAfterAndOneThatIsGoneIsParkedAtOnce() throws Exception {
        String agent = agents.register();
        ChatFakes.receiver().queue(ChatFakes.HOOK, new Answer(503, Map.of("Retry-After", "1"), ""));
        UUID slow = fixture.submit(agent, Payloads.payment("10.00", "staging"));
        List<Received> tries = awaitAbout(ChatFakes.HOOK, slow, 2);
        assertThat(tries.get(0).header("webhook-id")).as("a retry is the same message").isEqualTo(tries.get(1)
                .header("webhook-id"));
        long waitedMs = (tries.get(1).nanos() - tries.get(0).nanos()) / 1_000_000;
        assertThat(waitedMs).as("Retry-After: 1 is honoured over the 50 ms backoff").isGreaterThanOrEqualTo(950);

        ChatFakes.receiver().queue(ChatFakes.HOOK, Answer.status(410));
        UUID gone = fixture.submit(agent, Payloads.payment("11.00", "staging"));
        await().atMost(Duration.ofSeconds(30)).until(() -> rows(gone).stream()
                .anyMatch(r -> r.status() == DeliveryStatus.PARKED));
        var parked = rows(gone).stream().filter(r -> r.status() == DeliveryStatus.PARKED).findFirst().orElseThrow();
        assertThat(parked.type()).isEqualTo("WEBHOOK");
        assertThat(parked.attempts()).as("parked at once").isEqualTo(1);
        assertThat(parked.lastError()).contains("410 Gone");
        Thread.sleep(300);
        assertThat(about(ChatFakes.HOOK, gone)).hasSize(1);
    }

    private List<io.countersign.common.delivery.DeliveryTable.Row> rows(UUID requestId) {
        return QuarkusTransaction.requiringNew().call(() -> store.rows(null, 1000)).stream()
                .filter(r -> r.payload().contains(requestId.toString())).toList();
    }
}
