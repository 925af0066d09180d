package io.countersign.inbox;

import io.countersign.common.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * CSRF protection of the inbox forms: a random token in an HttpOnly, SameSite=Strict cookie
 * that every form must echo in its {@code _csrf} field (double submit), plus an Origin check
 * when the browser sends one. Inbox GETs never change state.
 */
@ApplicationScoped
public class Csrf {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    InboxConfig config;

    @Inject
    InboxSession session;

    /** The current token, or a new one when the browser has none (set it with {@link #cookie}). */
    public String tokenFor(String cookieValue) {
        if (cookieValue != null && cookieValue.matches("[A-Za-z0-9_-]{43}")) {
            return cookieValue;
        }
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The cookie carrying {@code token}. */
    public NewCookie cookie(String token) {
        return session.cookie(config.csrfCookie(), token, -1);
    }

    /** The cookie carrying {@code token}, scoped to {@code path} (the auditor pages live outside /inbox). */
    public NewCookie cookie(String token, String path) {
        return session.cookie(config.csrfCookie(), token, -1, path);
    }

    /** Refuses (403) a form whose token is missing or differs from the cookie, or that comes from another origin. */
    public void verify(String cookieValue, String formValue, String origin, String host) {
        boolean ok = cookieValue != null && formValue != null && cookieValue.length() == 43
                && MessageDigest.isEqual(cookieValue.getBytes(StandardCharsets.US_ASCII),
                        formValue.getBytes(StandardCharsets.US_ASCII));
        if (!ok) {
            throw ProblemException.forbidden("csrf-token-invalid", "The form's security token is missing or does not "
                    + "match; reload the page and try again.");
        }
        if (origin != null && host != null && !origin.equals("http://" + host) && !origin.equals("https://" + host)) {
            throw ProblemException.forbidden("cross-origin-form", "Forms are only accepted from this site.");
        }
    }
}
