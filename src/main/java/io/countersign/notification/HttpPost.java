package io.countersign.notification;

import io.countersign.common.delivery.DeliveryRelay.RetryLater;
import io.countersign.common.delivery.DeliveryRelay.Undeliverable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One JSON POST to a chat or webhook receiver, and what its answer means for the row: 2xx
 * delivered; 429 and 5xx retried (after Retry-After when it asks for longer); 410 and other 4xx
 * parked at once (no retry can fix them); redirects are not followed and response bodies are
 * never read beyond what the caller needs.
 */
final class HttpPost {

    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpPost() {
    }

    /** Posts {@code json}; returns the response (2xx only, body as text up to 64 KiB) or throws what the relay needs. */
    static String post(String url, Map<String, String> headers, String json, Duration timeout, String receiver) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        HttpResponse<byte[]> r;
        try {
            r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RetryLater(receiver + " unreachable: " + e.getClass().getSimpleName() + " " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryLater(receiver + ": interrupted", null);
        }
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            byte[] body = r.body();
            return new String(body, 0, Math.min(body.length, 65536), StandardCharsets.UTF_8);
        }
        if (status == 429 || status >= 500) {
            throw new RetryLater(receiver + " answered " + status, retryAfter(r).orElse(null));
        }
        if (status == 410) {
            throw new Undeliverable(receiver + " answered 410 Gone: the endpoint no longer exists");
        }
        throw new Undeliverable(receiver + " answered " + status + (status >= 300 && status < 400
                ? " (redirects are not followed)" : ""));
    }

    /** Retry-After in seconds (HTTP dates are rare from these receivers and are ignored). */
    static Optional<Duration> retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip()))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
