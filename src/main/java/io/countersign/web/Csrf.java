package io.countersign.web;

import io.countersign.common.ProblemException;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/**
 * CSRF protection of every web form (inbox, auditor pages, admin pages). Every form carries
 * {@code _csrf} = HMAC-SHA256(server key, the session): the token sign-in's session cookie once
 * signed in, else (before sign-in, and always with OIDC, whose session cookie changes when its
 * tokens are refreshed) a random pre-session cookie. A token is therefore worthless in any other session and
 * cannot be made up without the key, even by someone who can plant cookies in the browser. The
 * key is kept in the database ({@code inbox_secret}), so every replica accepts every other's
 * tokens and a restart does not break open pages. Every form POST must also come from this
 * site: its {@code Origin} (or, when a browser sends none, its {@code Referer}) must name this
 * host ({@link SameOrigin}). Page GETs never change state.
 */
@ApplicationScoped
public class Csrf {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_NAME = "csrf-hmac";
    private static final String NEW_SEED = "countersign.csrf.new-seed";

    @Inject
    WebConfig config;

    @Inject
    WebSession session;

    @Inject
    CurrentVertxRequest current;

    @Inject
    DataSource dataSource;

    private volatile byte[] key;

    /** The token that this request's forms must carry (bound to its session or pre-session cookie). */
    public String token() {
        RoutingContext rc = current.getCurrent();
        String sessionValue = session.tokenSessionCookie();
        if (sessionValue != null) {
            return sign("session", sessionValue);
        }
        String seed = WebSession.cookie(rc.request(), config.csrfCookie());
        if (seed == null || !seed.matches("[A-Za-z0-9_-]{43}")) {
            seed = rc.get(NEW_SEED);
            if (seed == null) {
                seed = random();
                rc.put(NEW_SEED, seed);
            }
        }
        return sign("pre-session", seed);
    }

    /** The pre-session cookie that {@link #token} created for this response, scoped to {@code path}, if it did. */
    public Optional<NewCookie> newSeedCookie(String path) {
        String seed = current.getCurrent().get(NEW_SEED);
        return Optional.ofNullable(seed).map(s -> session.cookie(config.csrfCookie(), s, -1, path));
    }

    /**
     * Refuses (403) a form that does not come from this site, or whose token is missing or not
     * the one of this request's session.
     */
    public void verify(String formValue) {
        HttpServerRequest request = current.getCurrent().request();
        if (!SameOrigin.matches(request.getHeader("Host"), request.getHeader("Origin"), request.getHeader("Referer"))) {
            throw ProblemException.forbidden("cross-origin-form", "Forms are only accepted from this site (the "
                    + "Origin or Referer header must name it).");
        }
        String sessionValue = session.tokenSessionCookie();
        String seed = WebSession.cookie(request, config.csrfCookie());
        String expected = sessionValue != null ? sign("session", sessionValue)
                : seed != null ? sign("pre-session", seed) : null;
        if (expected == null || formValue == null || !MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), formValue.getBytes(StandardCharsets.US_ASCII))) {
            throw ProblemException.forbidden("csrf-token-invalid", "The form's security token is missing or does not "
                    + "belong to this session; reload the page and try again.");
        }
    }

    private String sign(String kind, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            mac.update(kind.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The shared key: read from the database, or created there by the first replica that needs it. */
    private byte[] key() {
        byte[] k = key;
        if (k == null) {
            synchronized (this) {
                if (key == null) {
                    key = loadOrCreateKey();
                }
                k = key;
            }
        }
        return k;
    }

    private byte[] loadOrCreateKey() {
        try (Connection c = dataSource.getConnection()) {
            Optional<String> existing = readKey(c);
            if (existing.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbox_secret (name, secret) VALUES (?, ?)")) {
                    ps.setString(1, KEY_NAME);
                    ps.setString(2, random());
                    ps.executeUpdate();
                    Log.info("Created the inbox CSRF key (table inbox_secret)");
                } catch (SQLException e) {
                    // Another replica created it at the same moment: use theirs.
                    Log.debugf("CSRF key insert lost a race: %s", e.getMessage());
                }
                existing = readKey(c);
            }
            return Base64.getUrlDecoder().decode(existing.orElseThrow(
                    () -> new IllegalStateException("the CSRF key could not be created in inbox_secret")));
        } catch (SQLException e) {
            throw new IllegalStateException("the CSRF key could not be read from inbox_secret", e);
        }
    }

    private static Optional<String> readKey(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT secret FROM inbox_secret WHERE name = ?")) {
            ps.setString(1, KEY_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
