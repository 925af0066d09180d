package io.countersign.inbox;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers of the inbox and auditor pages and assets: a CSP without inline scripts or styles, no
 * framing, no referrer leaks, no MIME sniffing, and no caching of pages with request data.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "object-src 'none'";

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String path = rc.normalizedPath();
            // The auditor pages (/audit) share the inbox layout and get the same headers.
            if (path.equals("/inbox") || path.startsWith("/inbox/") || path.equals("/audit") || path.startsWith("/audit/")) {
                rc.response().headers()
                        .set("Content-Security-Policy", CSP)
                        .set("X-Frame-Options", "DENY")
                        .set("Referrer-Policy", "same-origin")
                        .set("X-Content-Type-Options", "nosniff")
                        .set("Cross-Origin-Opener-Policy", "same-origin")
                        .set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
                if (!path.startsWith("/inbox/assets/")) {
                    rc.response().headers().set("Cache-Control", "no-store");
                }
            }
            rc.next();
        }, 100);
    }
}
