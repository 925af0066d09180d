package io.countersign.notification;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Linking a Slack user to the Countersign person who signs in with the identity provider. An
 * unlinked click gets a link to {@code /inbox/slack/link?t=…}; the token names the Slack
 * workspace and user, expires after ten minutes and is an HMAC under a key derived from the app's
 * signing secret (every replica can check it, nobody without the secret can make one). The
 * person opens it signed in and confirms; the link is audited.
 */
@ApplicationScoped
public class SlackLinks {

    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

    /** A verified link token. */
    public record LinkRequest(String teamId, String slackUserId) {
    }

    @Inject
    NotificationConfig config;

    @Inject
    SlackStore store;

    @Inject
    Event<SlackLinked> linked;

    /** A token for linking {@code slackUserId} of {@code teamId}, valid for ten minutes from {@code now}. */
    String token(String teamId, String slackUserId, Instant now) {
        String claims = teamId + ":" + slackUserId + ":" + now.plus(TOKEN_LIFETIME).getEpochSecond();
        return b64(claims.getBytes(StandardCharsets.UTF_8)) + "." + b64(mac(claims));
    }

    /** The link request a token stands for, if it is genuine and current. */
    public Optional<LinkRequest> verify(String token, Instant now) {
        if (token == null || token.length() > 400 || config.slack().signingSecret().isEmpty()) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        try {
            String claims = new String(Base64.getUrlDecoder().decode(token.substring(0, Math.max(dot, 0))),
                    StandardCharsets.UTF_8);
            byte[] sig = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            String[] parts = claims.split(":");
            if (dot < 0 || parts.length != 3 || !MessageDigest.isEqual(sig, mac(claims))
                    || Instant.ofEpochSecond(Long.parseLong(parts[2])).isBefore(now)) {
                return Optional.empty();
            }
            return Optional.of(new LinkRequest(parts[0], parts[1]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Links the Slack user of a verified request to {@code userId} (audited). */
    @Transactional
    public void link(LinkRequest r, String userId) {
        String before = store.link(r.teamId(), r.slackUserId(), userId).orElse(null);
        linked.fire(new SlackLinked(r.teamId(), r.slackUserId(), userId, before));
    }

    private byte[] mac(String claims) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(config.slack().signingSecret().orElseThrow().getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            byte[] key = mac.doFinal("countersign slack link v1".getBytes(StandardCharsets.UTF_8));
            Mac link = Mac.getInstance("HmacSHA256");
            link.init(new SecretKeySpec(key, "HmacSHA256"));
            return link.doFinal(claims.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
