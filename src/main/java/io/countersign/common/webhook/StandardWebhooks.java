package io.countersign.common.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing outgoing webhooks the Standard Webhooks way (standardwebhooks.com): the headers
 * {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature},
 * which is {@code v1,} + base64 HMAC-SHA256 over {@code id.timestamp.body} with the endpoint's
 * secret ({@code whsec_} + base64 key). During a rotation several secrets sign: their signatures
 * are listed space-separated and a receiver accepts any one it knows. Shared by every outbound
 * webhook (reviewer-side notifications, agents' webhooks).
 */
public final class StandardWebhooks {

    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The three headers of one delivery attempt. */
    public record Headers(String id, String timestamp, String signature) {
    }

    private StandardWebhooks() {
    }

    /** A fresh secret: {@code whsec_} and 32 random bytes in base64. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** Why {@code secret} is not usable (null when it is): {@code whsec_} and a base64 key of 24 to 64 bytes. */
    public static String problem(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return "must start with " + PREFIX;
        }
        try {
            int n = Base64.getDecoder().decode(secret.substring(PREFIX.length())).length;
            return n < 24 || n > 64 ? "its key must be 24 to 64 bytes, not " + n : null;
        } catch (IllegalArgumentException e) {
            return "its key after " + PREFIX + " is not base64";
        }
    }

    /** The headers for sending {@code body} as message {@code id} at {@code epochSeconds}, signed with every secret. */
    public static Headers sign(List<String> secrets, String id, long epochSeconds, String body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("no secret to sign with");
        }
        if (id.contains(".")) {
            throw new IllegalArgumentException("a webhook id must not contain '.'");
        }
        String timestamp = Long.toString(epochSeconds);
        byte[] content = (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
        List<String> signatures = new ArrayList<>();
        for (String secret : secrets) {
            String problem = problem(secret);
            if (problem != null) {
                throw new IllegalArgumentException("webhook secret " + problem);
            }
            signatures.add("v1," + Base64.getEncoder().encodeToString(hmac(secret, content)));
        }
        return new Headers(id, timestamp, String.join(" ", signatures));
    }

    private static byte[] hmac(String secret, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(PREFIX.length())), "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
