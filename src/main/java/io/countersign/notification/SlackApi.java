package io.countersign.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.delivery.DeliveryRelay.RetryLater;
import io.countersign.common.delivery.DeliveryRelay.Undeliverable;
import io.countersign.common.json.JsonSupport;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The Slack Web API methods Countersign calls ({@code chat.postMessage}, {@code chat.update}) over
 * HTTPS with the bot token, and the ephemeral answers to a click through its {@code response_url}.
 * Slack answers HTTP 200 with {@code "ok": false} and an error code for most failures: the
 * transient ones are retried, the rest park the row (a wrong channel, a revoked token).
 */
@ApplicationScoped
public class SlackApi {

    private static final Set<String> TRANSIENT = Set.of("ratelimited", "internal_error", "fatal_error",
            "service_unavailable", "request_timeout");

    @Inject
    NotificationConfig config;

    /** Calls {@code method} with {@code body}; returns the answer when {@code ok}. */
    JsonNode call(String method, Map<String, Object> body) {
        String token = config.slack().botToken().orElseThrow(() -> new Undeliverable(
                "countersign.notifications.slack.bot-token is not set"));
        String answer = HttpPost.post(config.slack().apiUrl().replaceAll("/+$", "") + "/" + method,
                Map.of("Authorization", "Bearer " + token), json(body), config.httpTimeout(), "Slack " + method);
        JsonNode r;
        try {
            r = JsonSupport.MAPPER.readTree(answer);
        } catch (JsonProcessingException e) {
            throw new RetryLater("Slack " + method + " answered no JSON", null);
        }
        if (r.path("ok").asBoolean(false)) {
            return r;
        }
        String error = r.path("error").asText("unknown");
        if (TRANSIENT.contains(error)) {
            throw new RetryLater("Slack " + method + ": " + error, null);
        }
        throw new Undeliverable("Slack " + method + ": " + error);
    }

    /** An ephemeral reply to the person who clicked (best effort: the click's answer never waits on it). */
    void replyEphemeral(String responseUrl, String text) {
        try {
            HttpPost.post(responseUrl, Map.of(), json(Map.of("response_type", "ephemeral", "replace_original", false,
                    "text", text)), Duration.ofSeconds(3), "Slack response_url");
        } catch (RuntimeException e) {
            Log.warnf("Slack response_url refused the reply: %s", e.getMessage());
        }
    }

    static String json(Object body) {
        try {
            return JsonSupport.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
