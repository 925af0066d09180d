package io.countersign.notification;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.ProblemException;
import io.countersign.common.json.JsonSupport;
import io.countersign.review.Decision;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Slack's interactivity Request URL: a click on a message's Approve, Reject or Request changes
 * button, and the submission of the comment modal the last two open. Authenticated by
 * Slack's request signature (v0 HMAC-SHA256 of {@code v0:timestamp:body} with the app's signing
 * secret, timestamp within five minutes); a replayed request is answered and ignored. The click
 * counts as a decision only for a Slack user linked to a Countersign person who signed in through
 * the identity provider recently, and then with exactly the inbox's checks (the person's groups
 * from that sign-in, separation of duties, the task still open, the payload digest the message
 * showed). Every refusal is told to the clicker alone (an ephemeral reply).
 */
@Path("/api/v1/slack/interactivity")
@Tag(name = "Slack")
public class SlackInteractivityResource {

    @Inject
    NotificationConfig config;

    @Inject
    SlackStore store;

    @Inject
    SlackApprovals approvals;

    @Inject
    SlackApi api;

    @POST
    @PermitAll // Slack signs the request; the signature is checked below
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Slack interactivity (button clicks), signed by Slack")
    public Response click(@HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String signature, String body) {
        NotificationConfig.Slack slack = config.slack();
        if (slack.signingSecret().isEmpty()) {
            throw ProblemException.notFound("Slack is not configured here.");
        }
        verify(slack, timestamp, signature, body == null ? "" : body, Instant.now());
        if (!store.firstSeen(signature, slack.maxClockSkew())) {
            return Response.ok().build(); // a replay: answered, nothing done twice
        }
        JsonNode payload = payload(body);
        String team = payload.path("team").path("id").asText("");
        if (!slack.teamId().orElse("").equals(team)) {
            throw ProblemException.forbidden("slack-team-refused", "Clicks from Slack workspace '" + team
                    + "' do not count here.");
        }
        String user = payload.path("user").path("id").asText("");
        if ("view_submission".equals(payload.path("type").asText())) {
            JsonNode view = payload.path("view");
            if (!SlackApprovals.MODAL.equals(view.path("callback_id").asText())) {
                return Response.ok().build();
            }
            Map<String, String> errors = approvals.submitComment(team, user, view.path("private_metadata").asText(""),
                    view.path("state").path("values").path("comment").path("comment").path("value").asText(""));
            // an empty answer closes the modal; errors keep it open with the reason under the comment
            return errors.isEmpty() ? Response.ok().build() : Response.ok(SlackApi.json(Map.of("response_action", "errors",
                    "errors", errors)), MediaType.APPLICATION_JSON).build();
        }
        JsonNode action = payload.path("actions").path(0);
        String id = action.path("action_id").asText();
        if (!"block_actions".equals(payload.path("type").asText())
                || !Set.of(SlackBlocks.APPROVE, SlackBlocks.REJECT, SlackBlocks.CHANGES).contains(id)) {
            return Response.ok().build(); // the Open button, or an interaction Countersign does not handle
        }
        String value = action.path("value").asText("");
        String reply = SlackBlocks.APPROVE.equals(id) ? approvals.approve(team, user, value)
                : approvals.openComment(team, user, value, SlackBlocks.REJECT.equals(id) ? Decision.REJECT
                        : Decision.REQUEST_CHANGES, payload.path("trigger_id").asText("")).orElse(null);
        String responseUrl = payload.path("response_url").asText(null);
        if (reply != null && responseUrl != null && ReviewerNotices.urlProblem(responseUrl, config.allowHttpHosts()
                .map(Set::copyOf).orElse(Set.of())).isEmpty()) {
            api.replyEphemeral(responseUrl, reply);
        }
        return Response.ok().build();
    }

    static void verify(NotificationConfig.Slack slack, String timestamp, String signature, String body, Instant now) {
        long ts;
        try {
            ts = Long.parseLong(timestamp == null ? "" : timestamp.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.unauthorized("slack-signature", "X-Slack-Request-Timestamp is missing or not a number.");
        }
        if (Math.abs(now.getEpochSecond() - ts) > slack.maxClockSkew().toSeconds()) {
            throw ProblemException.unauthorized("slack-signature", "X-Slack-Request-Timestamp is more than "
                    + human(slack.maxClockSkew()) + " away from now (a replay, or a clock that is off).");
        }
        String expected = "v0=" + HexFormat.of().formatHex(hmac(slack.signingSecret().orElseThrow(), "v0:" + ts + ":" + body));
        if (signature == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                signature.getBytes(StandardCharsets.UTF_8))) {
            throw ProblemException.unauthorized("slack-signature", "X-Slack-Signature does not match the request.");
        }
    }

    static byte[] hmac(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode payload(String body) {
        for (String pair : body.split("&")) {
            if (pair.startsWith("payload=")) {
                try {
                    return JsonSupport.MAPPER.readTree(URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8));
                } catch (Exception e) {
                    break;
                }
            }
        }
        throw ProblemException.badRequest("slack-payload", "The form has no JSON 'payload' field.");
    }

    static String human(Duration d) {
        return d.toHours() >= 1 ? d.toHours() + " h" : d.toMinutes() + " min";
    }
}
