package io.countersign.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Security headers of the web pages (inbox, auditor pages) and their assets: a CSP without
 * inline scripts or styles, no framing, no referrer leaks, no MIME sniffing, and no caching of
 * pages with request data.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String CSP = csp("'self'");

    /** The CSP with {@code formAction} as the origins a form submission may end up at (redirects included). */
    static String csp(String formAction) {
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; font-src 'self'; form-action " + formAction + "; frame-ancestors 'none'; "
                + "base-uri 'none'; object-src 'none'";
    }

    /**
     * With OIDC, signing out is a form whose answer redirects to the provider's end-session
     * endpoint; browsers apply form-action to those redirects, so the provider's origin is allowed.
     */
    static String cspFor(WebConfig.SignIn signIn, Optional<String> issuer) {
        if (signIn != WebConfig.SignIn.OIDC || issuer.isEmpty() || issuer.get().isBlank()) {
            return CSP;
        }
        URI u = URI.create(issuer.get().strip());
        String origin = u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        return csp("'self' " + origin);
    }

    @Inject
    WebConfig config;

    @ConfigProperty(name = "quarkus.oidc.auth-server-url")
    Optional<String> issuer;

    /** The pages' paths; a new set of pages (the admin pages) adds its path here. */
    static final List<String> PAGE_PATHS = List.of(WebSession.INBOX_PATH, WebSession.AUDIT_PATH, "/auth");

    /** Stylesheet and script of every page's layout: cacheable, unlike the pages. */
    static final String ASSETS_PATH = "/inbox/assets/";

    void register(@Observes Filters filters) {
        String csp = cspFor(config.signIn(), issuer);
        filters.register(rc -> {
            String path = rc.normalizedPath();
            if (isPage(path)) {
                rc.response().headers()
                        .set("Content-Security-Policy", csp)
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
