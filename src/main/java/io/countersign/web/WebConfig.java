package io.countersign.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the session that the web pages share (inbox, auditor pages, admin pages):
 * {@code countersign.web.*}. The first names, {@code countersign.inbox.session-cookie},
 * {@code countersign.inbox.csrf-cookie} and {@code countersign.inbox.secure-cookies}, are still
 * accepted ({@link WebConfigAliases}).
 */
@ConfigMapping(prefix = "countersign.web")
public interface WebConfig {

    /** Name of the HttpOnly, SameSite=Strict cookie that carries the signed-in person's JWT. */
    @WithDefault("countersign_session")
    String sessionCookie();

    /** Name of the random pre-session cookie that the CSRF token of the sign-in form is bound to (Csrf). */
    @WithDefault("countersign_csrf")
    String csrfCookie();

    /** Marks the cookies Secure (HTTPS only); only the dev and test profiles turn it off. */
    @WithDefault("true")
    boolean secureCookies();
}
