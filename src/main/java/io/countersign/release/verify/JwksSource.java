package io.countersign.release.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Where a verifier finds Countersign's public keys: a JWK Set held, read from a file or fetched. */
public interface JwksSource {

    /** Largest JWKS document accepted, so a hostile endpoint cannot exhaust memory. */
    int MAX_JWKS_BYTES = 1 << 20;

    /**
     * The ES256 public key with this {@code kid}, or empty when the set has none.
     *
     * @throws JwksUnavailableException when the keys cannot be read at all
     */
    Optional<PublicKey> find(String kid);

    /** A fixed set of keys (kid to key). */
    static JwksSource ofKeys(Map<String, ? extends PublicKey> keys) {
        Map<String, PublicKey> copy = Map.copyOf(keys);
        return kid -> Optional.ofNullable(copy.get(kid));
    }

    /** A fixed JWK Set given as JSON text. */
    static JwksSource ofJson(String jwksJson) {
        try {
            return ofKeys(Jwks.parse(new ObjectMapper().readTree(jwksJson)));
        } catch (IOException | IllegalArgumentException e) {
            throw new JwksUnavailableException("cannot parse JWKS: " + e.getMessage(), e);
        }
    }

    /** A JWK Set read once from a file. */
    static JwksSource fromFile(Path file) {
        try {
            if (Files.size(file) > MAX_JWKS_BYTES) {
                throw new JwksUnavailableException("JWKS file " + file + " is larger than " + MAX_JWKS_BYTES + " bytes");
            }
            return ofJson(Files.readString(file));
        } catch (IOException e) {
            throw new JwksUnavailableException("cannot read JWKS file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A JWK Set fetched from {@code url} (Countersign's {@code /.well-known/jwks.json}), cached
     * for five minutes and fetched again early, at most every ten seconds, when a token names
     * an unknown {@code kid} (so a freshly rotated key is picked up without a restart).
     */
    static JwksSource fromUrl(URI url) {
        return new Remote(url, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build(),
                Duration.ofMinutes(5), Duration.ofSeconds(10), Clock.systemUTC());
    }

    /** A URL source with explicit cache lifetime, refresh interval and HTTP client. */
    static JwksSource fromUrl(URI url, HttpClient client, Duration cacheFor, Duration minRefreshInterval) {
        return new Remote(url, client, cacheFor, minRefreshInterval, Clock.systemUTC());
    }

    /** Thread-safe caching fetcher behind {@link #fromUrl(URI)}. */
    final class Remote implements JwksSource {

        private final URI url;
        private final HttpClient client;
        private final Duration cacheFor;
        private final Duration minRefreshInterval;
        private final Clock clock;
        private Map<String, ECPublicKey> keys;
        private Instant fetchedAt;
        private Instant lastAttempt;

        Remote(URI url, HttpClient client, Duration cacheFor, Duration minRefreshInterval, Clock clock) {
            this.url = url;
            this.client = client;
            this.cacheFor = cacheFor;
            this.minRefreshInterval = minRefreshInterval;
            this.clock = clock;
        }

        @Override
        public synchronized Optional<PublicKey> find(String kid) {
            Instant now = clock.instant();
            boolean fresh = keys != null && now.isBefore(fetchedAt.plus(cacheFor));
            boolean mayRefresh = lastAttempt == null || !now.isBefore(lastAttempt.plus(minRefreshInterval));
            if (!fresh || (!keys.containsKey(kid) && mayRefresh)) {
                if (fresh || mayRefresh) {
                    refresh(now, fresh);
                } else {
                    throw new JwksUnavailableException("JWKS from " + url + " is stale and was fetched too recently to retry");
                }
            }
            return Optional.ofNullable(keys.get(kid));
        }

        private void refresh(Instant now, boolean haveFreshCopy) {
            lastAttempt = now;
            try {
                HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                        .header("Accept", "application/jwk-set+json, application/json").GET().build();
                HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        throw new IOException("HTTP " + response.statusCode());
                    }
                    byte[] bytes = body.readNBytes(MAX_JWKS_BYTES + 1);
                    if (bytes.length > MAX_JWKS_BYTES) {
                        throw new IOException("JWKS larger than " + MAX_JWKS_BYTES + " bytes");
                    }
                    JsonNode json = new ObjectMapper().readTree(bytes);
                    keys = Jwks.parse(json);
                    fetchedAt = now;
                }
            } catch (IOException | IllegalArgumentException e) {
                if (!haveFreshCopy) {
                    throw new JwksUnavailableException("cannot fetch JWKS from " + url + ": " + e.getMessage(), e);
                }
                // A failed early refresh keeps the still-fresh copy; the kid then reads as unknown.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JwksUnavailableException("interrupted while fetching JWKS from " + url, e);
            }
        }
    }
}
