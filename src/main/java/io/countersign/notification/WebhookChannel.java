package io.countersign.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.countersign.action.ActionView;
import io.countersign.common.delivery.DeliveryRelay.Outcome;
import io.countersign.common.delivery.DeliveryRelay.Undeliverable;
import io.countersign.common.json.JsonSupport;
import io.countersign.common.webhook.StandardWebhooks;
import io.countersign.review.ReviewDecision;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reviewer-side webhooks (PagerDuty, ticketing, a team's own bot): the notification events as JSON,
 * signed the Standard Webhooks way with the route's secrets. The body carries the request's facts
 * as plain values (receivers are programs) and the link to the request page; nothing in it can
 * decide anything.
 */
@ApplicationScoped
public class WebhookChannel {

    @Inject
    Composer composer;

    @Inject
    NotificationConfig config;

    /** The event type of a notice kind, e.g. {@code review.requested}. */
    static String eventType(Notice.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replaceFirst("_", ".");
    }

    Outcome send(long rowId, Notice n) {
        NotificationConfig.Route route = config.routes().get(n.group());
        if (route == null || route.webhookUrl().isEmpty()) {
            throw new Undeliverable("group " + n.group() + " no longer has a webhook route");
        }
        Optional<String> body = QuarkusTransaction.requiringNew().call(() -> composer.compose(n, ReviewerNotices.WEBHOOK).map(c -> body(n, c)));
        if (body.isEmpty()) {
            return EmailChannel.SKIPPED;
        }
        StandardWebhooks.Headers h = StandardWebhooks.sign(route.webhookSecret().orElseThrow().stream().map(String::strip).toList(), "ntf_" + rowId,
                Instant.now().getEpochSecond(), body.get());
        HttpPost.post(route.webhookUrl().get(), Map.of("webhook-id", h.id(), "webhook-timestamp", h.timestamp(),
                "webhook-signature", h.signature()), body.get(), config.httpTimeout(), "webhook of group " + n.group());
        return new Outcome(null, "accepted by the webhook");
    }

    private static String body(Notice n, Composer.Composed c) {
        ActionView r = c.request();
        Map<String, Object> data = new LinkedHashMap<>();
        if (r == null) { // a digest
            data.put("group", n.group());
            data.put("summary", c.message().heading());
            data.put("link", c.message().link());
            return event(n, data);
        }
        data.put("requestId", r.id().toString());
        data.put("status", r.status().name());
        data.put("group", n.group());
        data.put("link", c.message().link());
        data.put("type", r.type());
        data.put("target", r.target());
        data.put("environment", r.environment());
        data.put("risk", r.risk());
        data.put("summary", r.summary());
        data.put("agentId", r.agentId());
        if (c.task() != null && c.task().dueAt != null) {
            data.put("deadline", c.task().dueAt.toInstant().toString());
        }
        if (n.kind() == Notice.Kind.REVIEW_CLOSED) {
            List<Map<String, Object>> decisions = ReviewDecision.<ReviewDecision>list("requestId = ?1 order by decidedAt, id",
                    r.id()).stream().map(d -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("reviewer", d.reviewer);
                        m.put("decision", d.decision.name());
                        m.put("round", d.round);
                        m.put("decidedAt", d.decidedAt.toInstant().toString());
                        return m;
                    }).toList();
            data.put("decisions", decisions);
        }
        return event(n, data);
    }

    private static String event(Notice n, Map<String, Object> data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", n.kind() == Notice.Kind.DIGEST ? "review.digest" : eventType(n.kind()));
        event.put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        event.put("data", data);
        try {
            return JsonSupport.MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
