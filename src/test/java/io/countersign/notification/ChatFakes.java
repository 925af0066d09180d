package io.countersign.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.testsupport.FakeReceiver;
import io.countersign.testsupport.FakeReceiver.Answer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Protocol-level fakes of the hosted receivers, on one local port: a Teams incoming webhook for
 * group oncall that refuses (400, naming the problem) any message not of the documented shape, and
 * a reviewer-side webhook for group payments. Tests reach them through {@link #receiver()}.
 */
public class ChatFakes implements QuarkusTestResourceLifecycleManager {

    static final String TEAMS = "/teams/oncall";
    static final String HOOK = "/hooks/payments";
    /** A test fixture, not a secret of any deployment. */
    static final String HOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /** The route keys the fakes supply (docs/notifications.md takes them from the environment). */
    static final java.util.List<String> ROUTE_KEYS = java.util.List.of(
            "countersign.notifications.routes.oncall.teams-webhook-url",
            "countersign.notifications.routes.payments.webhook-url",
            "countersign.notifications.routes.payments.webhook-secret",
            "countersign.notifications.routes.maintainers.slack-channel",
            "countersign.notifications.slack.bot-token",
            "countersign.notifications.slack.signing-secret",
            "countersign.notifications.slack.team-id");

    static final String SLACK_CHANNEL = "C0MAINT001";
    static final String SLACK_TOKEN = "xoxb-test-fixture";
    static final String SLACK_SIGNING_SECRET = "test-fixture-signing-secret-0123456789";
    static final String SLACK_TEAM = "T0TEST001";
    static final String SLACK_POST = "/api/chat.postMessage";
    static final String SLACK_UPDATE = "/api/chat.update";
    static final String SLACK_RESPONSE = "/slack/response";
    static final String SLACK_VIEWS_OPEN = "/api/views.open";

    private static volatile FakeReceiver receiver;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ELEMENTS = Set.of("TextBlock", "RichTextBlock", "FactSet", "Container", "ColumnSet");

    static FakeReceiver receiver() {
        return receiver;
    }

    @Override
    public Map<String, String> start() {
        receiver = new FakeReceiver();
        receiver.on(TEAMS, r -> {
            String problem = teamsProblem(r.body());
            return problem == null ? new Answer(202, Map.of(), "") : new Answer(400, Map.of(), problem);
        });
        java.util.concurrent.atomic.AtomicLong ts = new java.util.concurrent.atomic.AtomicLong(1_796_000_000L);
        receiver.on(SLACK_POST, r -> {
            String problem = slackProblem(r, false);
            return problem != null ? Answer.ok("{\"ok\":false,\"error\":\"" + problem + "\"}")
                    : Answer.ok("{\"ok\":true,\"channel\":\"" + SLACK_CHANNEL + "\",\"ts\":\"" + ts.incrementAndGet()
                            + ".000100\"}");
        });
        receiver.on(SLACK_UPDATE, r -> {
            String problem = slackProblem(r, true);
            return Answer.ok(problem != null ? "{\"ok\":false,\"error\":\"" + problem + "\"}"
                    : "{\"ok\":true,\"channel\":\"" + SLACK_CHANNEL + "\"}");
        });
        Map<String, String> config = new java.util.HashMap<>(Map.of("countersign.notifications.allow-http-hosts", "127.0.0.1",
                ROUTE_KEYS.get(0), receiver.url(TEAMS), ROUTE_KEYS.get(1), receiver.url(HOOK), ROUTE_KEYS.get(2), HOOK_SECRET,
                ROUTE_KEYS.get(3), SLACK_CHANNEL, ROUTE_KEYS.get(4), SLACK_TOKEN, ROUTE_KEYS.get(5), SLACK_SIGNING_SECRET,
                ROUTE_KEYS.get(6), SLACK_TEAM));
        config.put("countersign.notifications.slack.api-url", receiver.url("/api"));
        // the maintainers' high-risk four-eyes pushes may be decided from Slack here; critical ones may not
        config.put("countersign.notifications.slack.decide-max-risk", "high");
        config.put("countersign.notifications.slack.decide-four-eyes", "true");
        receiver.on(SLACK_VIEWS_OPEN, r -> {
            boolean ok = ("Bearer " + SLACK_TOKEN).equals(r.header("Authorization")) && r.body().contains("\"trigger_id\":\"")
                    && r.body().contains("\"type\":\"modal\"");
            return Answer.ok(ok ? "{\"ok\":true}" : "{\"ok\":false,\"error\":\"invalid_arguments\"}");
        });
        return config;
    }

    /**
     * What Teams would refuse in a webhook message: not {"type":"message","attachments":[one
     * Adaptive Card]}, over 28 KB, an unknown element, a RichTextBlock inline that is not a
     * TextRun, or an action other than opening a URL.
     */
    static String teamsProblem(String body) {
        if (body.getBytes(StandardCharsets.UTF_8).length > 28 * 1024) {
            return "message over 28 KB";
        }
        try {
            JsonNode m = JSON.readTree(body);
            if (!"message".equals(m.path("type").asText()) || m.path("attachments").size() != 1) {
                return "not a message with one attachment";
            }
            JsonNode a = m.path("attachments").get(0);
            if (!"application/vnd.microsoft.card.adaptive".equals(a.path("contentType").asText())) {
                return "attachment is not an Adaptive Card";
            }
            JsonNode card = a.path("content");
            if (!"AdaptiveCard".equals(card.path("type").asText()) || !Set.of("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")
                    .contains(card.path("version").asText()) || !card.path("body").isArray()) {
                return "content is not an Adaptive Card of a version Teams renders";
            }
            for (JsonNode e : card.path("body")) {
                if (!ELEMENTS.contains(e.path("type").asText())) {
                    return "unknown element " + e.path("type");
                }
                if ("RichTextBlock".equals(e.path("type").asText())) {
                    for (JsonNode run : e.path("inlines")) {
                        if (!"TextRun".equals(run.path("type").asText()) || !run.path("text").isTextual()) {
                            return "RichTextBlock inline is not a TextRun";
                        }
                    }
                }
            }
            for (JsonNode action : card.path("actions")) {
                if (!"Action.OpenUrl".equals(action.path("type").asText()) || !action.path("url").isTextual()) {
                    return "action other than Action.OpenUrl";
                }
            }
            return null;
        } catch (Exception e) {
            return "not JSON: " + e.getMessage();
        }
    }

    /**
     * What Slack's Web API would answer {@code ok:false} to: a wrong token (invalid_auth), another
     * channel (channel_not_found), an update without a ts, or blocks beyond Block Kit's limits
     * (invalid_blocks: over 50 blocks, a text over 3,000 characters, a header over 150, a button
     * without action_id, or mrkdwn where Countersign promises plain text).
     */
    static String slackProblem(FakeReceiver.Received r, boolean update) {
        if (!("Bearer " + SLACK_TOKEN).equals(r.header("Authorization"))) {
            return "invalid_auth";
        }
        try {
            JsonNode m = JSON.readTree(r.body());
            if (!SLACK_CHANNEL.equals(m.path("channel").asText())) {
                return "channel_not_found";
            }
            if (update && !m.path("ts").isTextual()) {
                return "message_not_found";
            }
            JsonNode blocks = m.path("blocks");
            if (!blocks.isArray() || blocks.size() > 50 || !m.path("text").isTextual()) {
                return "invalid_blocks";
            }
            for (JsonNode b : blocks) {
                for (JsonNode t : b.findValues("text")) {
                    if (t.isObject() && (!"plain_text".equals(t.path("type").asText())
                            || t.path("text").asText().length() > ("header".equals(b.path("type").asText()) ? 150 : 3000))) {
                        return "invalid_blocks";
                    }
                }
                if ("actions".equals(b.path("type").asText())) {
                    for (JsonNode e : b.path("elements")) {
                        if (!e.path("action_id").isTextual()) {
                            return "invalid_blocks";
                        }
                    }
                }
            }
            return null;
        } catch (Exception e) {
            return "invalid_json";
        }
    }

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.stop();
        }
    }
}
