package io.countersign.identity;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.util.KeyUtils;
import io.smallrye.jwt.util.ResourceUtils;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where the identity provider's public keys come from ({@code COUNTERSIGN_JWT_KEYS}, i.e.
 * {@code mp.jwt.verify.publickey.location}). {@link #settingProblems} says what is wrong with the
 * settings (unset, or a file or classpath location that is missing or holds no key); the start is
 * refused with it, together with every other missing setting, before SmallRye JWT or anything else
 * starts ({@code io.countersign.RequiredSettings}). A JWKS http(s) URL is only fetched: while it
 * does not answer, readiness is DOWN ({@link JwtKeysHealthCheck}) and bearer calls get 503
 * ({@link VerifiedTokenCache}), and both recover by themselves once it answers again.
 */
@ApplicationScoped
public class JwtKeySource {

    /** The value of {@code mp.jwt.verify.publickey.location} when COUNTERSIGN_JWT_KEYS is unset (application.properties). */
    static final String UNSET = "unset:COUNTERSIGN_JWT_KEYS";

    /** The issuer application.properties falls back to when COUNTERSIGN_JWT_ISSUER is unset. */
    static final String PLACEHOLDER_ISSUER = "https://idp.example.invalid";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final long PROBE_CACHE_MILLIS = 2_000;

    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    String location;

    @ConfigProperty(name = "mp.jwt.verify.issuer")
    String issuer;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private volatile long probedAt;
    private volatile String lastProblem;
    private final AtomicBoolean probing = new AtomicBoolean();

    void announce(@Observes StartupEvent event) {
        if (isRemote(location)) {
            Log.infof("Bearer tokens are verified with the JWKS at %s", location);
            lastKnownProblem(); // first probe in the background, so readiness knows soon
        }
    }

    /**
     * What must change before Countersign can verify bearer tokens, one entry per variable, each
     * starting with the variable's name; empty when the settings are usable. A remote JWKS is not
     * fetched here (an identity provider that is down for a moment must not stop a restart).
     */
    public static List<String> settingProblems(String location, String issuer) {
        List<String> problems = new ArrayList<>();
        if (issuer == null || issuer.isBlank() || issuer.strip().equals(PLACEHOLDER_ISSUER)) {
            problems.add("COUNTERSIGN_JWT_ISSUER is not set: the issuer (iss) of the bearer tokens your identity "
                    + "provider issues to agents and executors");
        }
        String where = location == null ? "" : location.strip();
        if (where.isEmpty() || where.equals(UNSET)) {
            problems.add("COUNTERSIGN_JWT_KEYS is not set: that issuer's JWKS URL "
                    + "(https://idp.example.com/.well-known/jwks.json) or a JWKS or PEM public key file "
                    + "(file:/etc/countersign/idp-keys.json)");
        } else if (!isRemote(where)) {
            unreadable(where).ifPresent(why -> problems.add("COUNTERSIGN_JWT_KEYS=" + where + " " + why));
        }
        return problems;
    }

    /** Why a file or classpath key location is unusable, or empty when it holds a key. */
    static Optional<String> unreadable(String location) {
        String content;
        try {
            content = ResourceUtils.readResource(location);
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (content == null || content.isBlank()) {
            return Optional.of("cannot be read: no such file or classpath resource, or it is empty");
        }
        return holdsKey(content) ? Optional.empty()
                : Optional.of("holds no public key: expected a JWKS, a JWK or a PEM public key or certificate");
    }

    private static boolean holdsKey(String content) {
        String c = content.strip();
        try {
            if (c.startsWith("-----BEGIN CERTIFICATE")) {
                return KeyUtils.decodeCertificate(c) != null;
            }
            if (c.startsWith("-----BEGIN")) {
                return KeyUtils.decodePublicKey(c) != null;
            }
            var keys = KeyUtils.loadJsonWebKeys(c);
            return keys != null && !keys.isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    static boolean isRemote(String location) {
        String l = location.strip().toLowerCase(Locale.ROOT);
        return l.startsWith("http://") || l.startsWith("https://");
    }

    /** True when the keys come from a JWKS URL (the only source that can go away while running). */
    public boolean remote() {
        return isRemote(location);
    }

    /** The configured key location (a URL or file name, never a secret). */
    public String location() {
        return location;
    }

    /**
     * Why the remote JWKS cannot be fetched right now, or empty when it answers with keys (or the
     * keys are local). Blocks for a probe when the last one is older than 2 s (at most 2 s): call
     * it on a worker thread only.
     */
    public Optional<String> unavailable() {
        if (!remote()) {
            return Optional.empty();
        }
        if (System.currentTimeMillis() - probedAt > PROBE_CACHE_MILLIS) {
            refresh();
        }
        return Optional.ofNullable(lastProblem);
    }

    /**
     * The outcome of the last probe without waiting for a new one (for the readiness check, which
     * may run on an event loop); a stale result starts a probe in the background.
     */
    public Optional<String> lastKnownProblem() {
        if (!remote()) {
            return Optional.empty();
        }
        if (System.currentTimeMillis() - probedAt > PROBE_CACHE_MILLIS && probing.compareAndSet(false, true)) {
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try {
                    refresh();
                } finally {
                    probing.set(false);
                }
            });
        }
        return probedAt == 0 ? Optional.of("the JWKS at " + location + " has not been fetched yet")
                : Optional.ofNullable(lastProblem);
    }

    private void refresh() {
        lastProblem = probe();
        probedAt = System.currentTimeMillis();
    }

    private String probe() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(location.strip())).timeout(PROBE_TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return "the JWKS at " + location + " answered " + r.statusCode();
            }
            return holdsKey(r.body()) ? null : "the JWKS at " + location + " holds no key";
        } catch (IOException | IllegalArgumentException e) {
            return "the JWKS at " + location + " cannot be reached (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while fetching the JWKS at " + location;
        }
    }
}
