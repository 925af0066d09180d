package io.countersign.inbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the reviewer web inbox ({@code countersign.inbox.*}). */
@ConfigMapping(prefix = "countersign.inbox")
public interface InboxConfig {

    /** Name of the HttpOnly, SameSite=Strict cookie that carries the reviewer's JWT. */
    @WithDefault("countersign_session")
    String sessionCookie();

    /** Name of the random pre-session cookie that the CSRF token of the sign-in form is bound to (Csrf). */
    @WithDefault("countersign_csrf")
    String csrfCookie();

    /** Marks the cookies Secure (HTTPS only); only the dev and test profiles turn it off. */
    @WithDefault("true")
    boolean secureCookies();

    /** Tasks per inbox page. */
    @WithDefault("25")
    int pageSize();

    /** Seconds between SSE keep-alive events on the live-update stream. */
    @WithDefault("20")
    int keepAliveSeconds();
}
