package io.countersign.web;

import io.countersign.common.ProblemException;
import io.countersign.identity.IdentityConfig;
import io.countersign.identity.ReviewerGroups;
import io.countersign.identity.Roles;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The web pages' session: the person's JWT in an HttpOnly, SameSite=Strict cookie scoped to the
 * pages it opens (/inbox for a reviewer, /audit for an auditor), verified by SmallRye JWT with
 * exactly the API's settings (issuer, audience, keys, expiry) on every request. The cookie is
 * read here rather than by the API's authentication mechanism so agent calls keep using only the
 * Authorization header.
 */
@ApplicationScoped
public class WebSession {

    /** Why a token with the agent role opens no page for people (sign-in page and role-guarded pages). */
    public static final String AGENT_REFUSAL = "This token carries the agent role: it belongs to an agent, which is "
            + "not a person, and agents never review, audit or administer. Sign in with your own account; if your "
            + "identity provider gave one identity both the agent role and a person's role (reviewer, auditor, "
            + "admin), ask its administrators to separate them.";

    /** Path of the reviewer inbox; a reviewer's session cookie is scoped to it. */
    public static final String INBOX_PATH = "/inbox";

    /** Path of the auditor pages; an auditor's session cookie is scoped to it. */
    public static final String AUDIT_PATH = "/audit";

    /** Where a browser without a usable session is sent. */
    public static final String SIGN_IN_PATH = "/inbox/sign-in";

    @Inject
    JWTParser parser;

    @Inject
    WebConfig config;

    @Inject
    IdentityConfig identity;

    @Inject
    CurrentVertxRequest current;

    /** A verified session: who is signed in and when the token expires. */
    public record Session(SignedInPerson person, Instant expiresAt) {
    }

    /** Verifies a token; empty when it is invalid, expired or from another issuer. */
    public Optional<Session> verify(String token) {
        if (token == null || token.isBlank() || token.length() > 16_384) {
            return Optional.empty();
        }
        try {
            JsonWebToken jwt = parser.parse(token.strip());
            Set<String> roles = jwt.getGroups() == null ? Set.of()
                    : jwt.getGroups().stream().filter(Roles.ALL::contains).collect(Collectors.toSet());
            SignedInPerson person = new SignedInPerson(jwt.getSubject(), displayName(jwt),
                    ReviewerGroups.of(jwt.getClaim(identity.reviewerGroupsClaim())), roles);
            return Optional.of(new Session(person, Instant.ofEpochSecond(jwt.getExpirationTime())));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The person whose valid session cookie this request carries, if any. */
    public Optional<SignedInPerson> current() {
        return verify(cookie(current.getCurrent().request(), config.sessionCookie())).map(Session::person);
    }

    /**
     * The signed-in person with {@code role}; anyone else, an agent's token included, gets a 303
     * to the sign-in page (for pages that send every other visitor to sign in, like the inbox).
     */
    public SignedInPerson requireOrRedirect(String role) {
        return current().filter(p -> p.hasRole(role) && !p.isAgent())
                .orElseThrow(() -> new RedirectException(SIGN_IN_PATH));
    }

    /**
     * The signed-in person with {@code role}: without a session a 303 to the sign-in page, with an
     * agent's token 403 {@code agent-is-not-a-person}, without the role 403
     * {@code <role>-role-required} saying {@code refusal}.
     */
    public SignedInPerson requireOrRefuse(String role, String refusal) {
        SignedInPerson p = current().orElseThrow(() -> new RedirectException(SIGN_IN_PATH));
        if (p.isAgent()) {
            throw ProblemException.forbidden("agent-is-not-a-person", AGENT_REFUSAL);
        }
        if (!p.hasRole(role)) {
            throw ProblemException.forbidden(role + "-role-required", refusal);
        }
        return p;
    }

    /** The session cookie for a verified token, scoped to {@code path} (expires with the token). */
    public NewCookie sessionCookie(String token, Instant expiresAt, String path) {
        long maxAge = Math.max(0, expiresAt.getEpochSecond() - Instant.now().getEpochSecond());
        return cookie(config.sessionCookie(), token.strip(), (int) Math.min(Integer.MAX_VALUE, maxAge), path);
    }

    /** A cookie that removes the session scoped to {@code path}. */
    public NewCookie clearedSessionCookie(String path) {
        return cookie(config.sessionCookie(), "", 0, path);
    }

    NewCookie cookie(String name, String value, int maxAge, String path) {
        return new NewCookie.Builder(name).value(value).path(path).httpOnly(true).secure(config.secureCookies())
                .sameSite(NewCookie.SameSite.STRICT).maxAge(maxAge).build();
    }

    /** The value of cookie {@code name}, null when absent or blank. */
    static String cookie(HttpServerRequest request, String name) {
        Cookie c = request.getCookie(name);
        return c == null || c.getValue() == null || c.getValue().isBlank() ? null : c.getValue();
    }

    /** The token's {@code name} claim for display, else its subject. */
    private static String displayName(JsonWebToken jwt) {
        Object name = jwt.getClaim("name");
        String value = name instanceof JsonString s ? s.getString() : name instanceof String s ? s : null;
        return value == null || value.isBlank() ? jwt.getSubject() : value.strip();
    }

    /** Thrown to send the browser elsewhere (303 See Other); mapped by {@link #redirect}. */
    public static final class RedirectException extends RuntimeException {
        final String location;

        RedirectException(String location) {
            super(location, null, false, false);
            this.location = location;
        }
    }

    /** Turns a {@link RedirectException} into a 303 (more specific than the problem+json mappers). */
    @ServerExceptionMapper
    public Response redirect(RedirectException e) {
        return Response.seeOther(URI.create(e.location)).build();
    }
}
