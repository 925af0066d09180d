package io.countersign.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Security headers of the web pages (inbox, auditor pages) and their assets: a CSP without
 * inline scripts or styles, no framing, no referrer leaks, no MIME sniffing, and no caching of
 * pages with request data.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "object-src 'none'";

    /** The pages' paths; a new set of pages (the admin pages) adds its path here. */
    static final List<String> PAGE_PATHS = List.of(WebSession.INBOX_PATH, WebSession.AUDIT_PATH);

    /** Stylesheet and script of every page's layout: cacheable, unlike the pages. */
    static final String ASSETS_PATH = "/inbox/assets/";

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String path = rc.normalizedPath();
            if (isPage(path)) {
                rc.response().headers()
                        .set("Content-Security-Policy", CSP)
                        .set("X-Frame-Options", "DENY")
                        .set("Referrer-Policy", "same-origin")
                        .set("X-Content-Type-Options", "nosniff")
                        .set("Cross-Origin-Opener-Policy", "same-origin")
                        .set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
                if (!path.startsWith(ASSETS_PATH)) {
                    rc.response().headers().set("Cache-Control", "no-store");
                }
            }
            rc.next();
        }, 100);
    }

    static boolean isPage(String path) {
        return PAGE_PATHS.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }
}
