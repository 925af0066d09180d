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
            "countersign.notifications.routes.payments.webhook-secret");

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
        return Map.of("countersign.notifications.allow-http-hosts", "127.0.0.1",
                ROUTE_KEYS.get(0), receiver.url(TEAMS), ROUTE_KEYS.get(1), receiver.url(HOOK), ROUTE_KEYS.get(2), HOOK_SECRET);
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

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.stop();
        }
    }
}
