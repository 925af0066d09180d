package io.countersign.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.countersign.common.delivery.DeliveryRelay.Outcome;
import io.countersign.common.delivery.DeliveryRelay.Undeliverable;
import io.countersign.common.json.JsonSupport;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Microsoft Teams through an incoming webhook or a Workflows ("When a Teams webhook request is
 * received") URL: one Adaptive Card per event with the summary, the request's facts, the payload
 * (cut to fit Teams' message size, with "see the full request") and one "Open in Countersign"
 * button. Approving from Teams needs a registered bot and is not offered.
 */
@ApplicationScoped
public class TeamsChannel {

    /** Teams refuses messages over about 28 KB; the card stays well under it. */
    static final int PAYLOAD_MAX = 4000;
    static final int CARD_MAX = 24_000;

    @Inject
    Composer composer;

    @Inject
    NotificationConfig config;

    Outcome send(Notice n) {
        NotificationConfig.Route route = config.routes().get(n.group());
        if (route == null || route.teamsWebhookUrl().isEmpty()) {
            throw new Undeliverable("group " + n.group() + " no longer has a Teams route");
        }
        Optional<String> card = QuarkusTransaction.requiringNew().call(() -> composer.compose(n, ReviewerNotices.TEAMS).map(c -> card(c.message())));
        if (card.isEmpty()) {
            return EmailChannel.SKIPPED;
        }
        HttpPost.post(route.teamsWebhookUrl().get(), Map.of(), card.get(), config.httpTimeout(),
                "Teams webhook of group " + n.group());
        return new Outcome(null, "accepted by Teams");
    }

    /**
     * The message: {"type":"message","attachments":[{Adaptive Card 1.4}]} as Teams' webhooks take
     * it. Every text that comes from a request is a {@code TextRun} of a {@code RichTextBlock},
     * which Teams shows as written: a TextBlock or a FactSet would render an agent's markdown
     * ("[click here](…)", emphasis, lists) and date functions.
     */
    static String card(Composer.Message m) {
        List<Object> body = new ArrayList<>();
        body.add(rich(run(m.heading()).bold().size("Medium")));
        for (Composer.Field f : m.fields()) {
            body.add(rich(run(f.label() + ": ").bold(), run(cut(f.text(), 500))));
        }
        if (m.banner() != null) {
            body.add(rich(run(m.banner()).color("Warning")));
        }
        for (String d : m.decisions()) {
            body.add(rich(run(d)));
        }
        String payload = m.payloadText();
        boolean cut = payload.codePointCount(0, payload.length()) > PAYLOAD_MAX;
        if (!payload.isEmpty()) {
            body.add(rich(run(cut ? cut(payload, PAYLOAD_MAX) : payload).monospace()));
        }
        if (cut) {
            body.add(Map.of("type", "TextBlock", "text", "The payload is longer: see the full request.", "isSubtle", true,
                    "wrap", true));
        }
        body.add(rich(run(m.footer() + " Decisions are taken on the request page only.").subtle()));
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        content.put("type", "AdaptiveCard");
        content.put("version", "1.4");
        content.put("body", body);
        content.put("actions", List.of(Map.of("type", "Action.OpenUrl", "title", "Open in Countersign", "url", m.link())));
        Map<String, Object> message = Map.of("type", "message", "attachments", List.of(Map.of(
                "contentType", "application/vnd.microsoft.card.adaptive", "content", content)));
        try {
            String json = JsonSupport.MAPPER.writeValueAsString(message);
            int size = json.getBytes(StandardCharsets.UTF_8).length;
            if (size > CARD_MAX) {
                throw new Undeliverable("the Teams card would be " + size + " bytes");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One TextRun (plain text, never markdown). */
    private static final class Run extends LinkedHashMap<String, Object> {
        Run(String text) {
            put("type", "TextRun");
            put("text", text);
        }

        Run bold() {
            put("weight", "Bolder");
            return this;
        }

        Run size(String s) {
            put("size", s);
            return this;
        }

        Run color(String c) {
            put("color", c);
            return this;
        }

        Run monospace() {
            put("fontType", "Monospace");
            return this;
        }

        Run subtle() {
            put("isSubtle", true);
            return this;
        }
    }

    private static Run run(String text) {
        return new Run(text);
    }

    private static Map<String, Object> rich(Run... runs) {
        return Map.of("type", "RichTextBlock", "inlines", List.of(runs));
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, s.offsetByCodePoints(0, Math.min(s.codePointCount(0, s.length()),
                max - 1))) + "\u2026";
    }
}
