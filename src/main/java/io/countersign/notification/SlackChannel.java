package io.countersign.notification;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.delivery.DeliveryRelay.Outcome;
import io.countersign.common.delivery.DeliveryRelay.Undeliverable;
import io.countersign.notification.Notice.Kind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A reviewer group's Slack channel: an ask is posted with {@code chat.postMessage} (buttons
 * included), a reminder is a reply in its thread, and the end of the review updates every message
 * of the request in place with {@code chat.update} (who decided, what, when; no buttons left).
 */
@ApplicationScoped
public class SlackChannel {

    @Inject
    Composer composer;

    @Inject
    NotificationConfig config;

    @Inject
    SlackApi api;

    @Inject
    SlackStore store;

    Outcome send(Notice n) {
        NotificationConfig.Route route = config.routes().get(n.group());
        if (route == null || route.slackChannel().isEmpty()) {
            throw new Undeliverable("group " + n.group() + " no longer has a Slack route");
        }
        String channel = route.slackChannel().get();
        Optional<Composer.Composed> composed = QuarkusTransaction.requiringNew().call(() -> composer.compose(n, ReviewerNotices.SLACK));
        if (composed.isEmpty()) {
            return EmailChannel.SKIPPED;
        }
        Composer.Composed c = composed.get();
        if (n.kind() == Kind.REVIEW_CLOSED) {
            List<SlackStore.Posted> open = store.open(n.requestId(), channel);
            for (SlackStore.Posted p : open) {
                Map<String, Object> body = new LinkedHashMap<>(SlackBlocks.message(c, false, config.slack()));
                body.put("channel", channel);
                body.put("ts", p.ts());
                api.call("chat.update", body);
                store.closed(channel, p.ts());
            }
            return new Outcome(null, "updated " + open.size() + " Slack message(s) in place");
        }
        boolean digest = n.kind() == Kind.DIGEST;
        Map<String, Object> body = new LinkedHashMap<>(SlackBlocks.message(c, !digest, config.slack()));
        body.put("channel", channel);
        body.put("unfurl_links", false);
        if (n.kind() == Kind.REVIEW_REMINDER) {
            List<SlackStore.Posted> open = store.open(n.requestId(), channel);
            if (!open.isEmpty()) {
                body.put("thread_ts", open.get(open.size() - 1).ts());
                body.put("reply_broadcast", true);
            }
        }
        JsonNode answer = api.call("chat.postMessage", body);
        String ts = answer.path("ts").asText(null);
        if (ts == null) {
            throw new Undeliverable("Slack chat.postMessage answered ok without a ts");
        }
        if (n.kind() != Kind.REVIEW_REMINDER && !digest) {
            store.posted(channel, ts, n.requestId(), n.taskKey());
        }
        return new Outcome(null, "posted to Slack " + channel + " at " + ts);
    }
}
