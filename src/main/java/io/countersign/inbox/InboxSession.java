package io.countersign.inbox;

import io.countersign.identity.IdentityConfig;
import io.countersign.identity.Roles;
import io.countersign.review.Views.Reviewer;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The inbox session: the reviewer's JWT in an HttpOnly, SameSite=Strict cookie scoped to
 * /inbox (an auditor's to /audit, the auditor pages), verified by SmallRye JWT with exactly the API's settings (issuer, audience, keys,
 * expiry) on every request. The cookie is read here rather than by the API's authentication
 * mechanism so agent calls keep using only the Authorization header.
 */
@ApplicationScoped
public class InboxSession {

    @Inject
    JWTParser parser;

    @Inject
    InboxConfig config;

    @Inject
    IdentityConfig identity;

    /** Why a token with the agent role opens no page for people (sign-in page and auditor pages). */
    public static final String AGENT_REFUSAL = "This token carries the agent role: it belongs to an agent, which is "
            + "not a person, and agents never review, audit or administer. Sign in with your own account; if your "
            + "identity provider gave one identity both the agent role and a person's role (reviewer, auditor, "
            + "admin), ask its administrators to separate them.";

    /** Path of the auditor pages; an auditor's session cookie is scoped to it (the inbox cookie is scoped to /inbox). */
    public static final String AUDIT_PATH = "/audit";

    /** A verified session: the user (as a reviewer identity), when the token expires, and its roles. */
    public record Session(Reviewer reviewer, Instant expiresAt, boolean isReviewer, boolean isAuditor, boolean isAgent,
            boolean isAdmin) {

        /**
         * A token with the agent role that also claims a person's role (reviewer, auditor or
         * admin): a non-human identity is never a person, so it opens no inbox or auditor page.
         */
        public boolean isAgentClaimingAPersonsRole() {
            return isAgent && (isReviewer || isAuditor || isAdmin);
        }
    }

    /** Verifies a token; empty when it is invalid, expired or from another issuer. */
    public Optional<Session> verify(String token) {
        if (token == null || token.isBlank() || token.length() > 16_384) {
            return Optional.empty();
        }
        try {
            JsonWebToken jwt = parser.parse(token.strip());
            Set<String> groups = new TreeSet<>();
            Object claim = jwt.getClaim(identity.reviewerGroupsClaim());
            if (claim instanceof Collection<?> c) {
                c.forEach(g -> groups.add(String.valueOf(g).replace("\"", "")));
            } else if (claim instanceof jakarta.json.JsonArray a) {
                a.forEach(v -> groups.add(v.toString().replace("\"", "")));
            }
            Set<String> roles = jwt.getGroups() == null ? Set.of() : jwt.getGroups();
            boolean agent = roles.contains(Roles.AGENT);
            groups.removeAll(Roles.ALL);
            return Optional.of(new Session(new Reviewer(jwt.getSubject(), groups, agent),
                    Instant.ofEpochSecond(jwt.getExpirationTime()), roles.contains(Roles.REVIEWER),
                    roles.contains(Roles.AUDITOR), agent, roles.contains(Roles.ADMIN)));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The signed-in reviewer, or a 303 to the sign-in page (also for an agent's token, which sign-in refuses). */
    public Reviewer require(String cookieValue) {
        return verify(cookieValue).filter(s -> s.isReviewer() && !s.isAgent()).map(Session::reviewer)
                .orElseThrow(() -> new RedirectException("/inbox/sign-in"));
    }

    /** The signed-in auditor (another role's session gets 403), or a 303 to the sign-in page. */
    public Reviewer requireAuditor(String cookieValue) {
        Session s = verify(cookieValue).orElseThrow(() -> new RedirectException("/inbox/sign-in"));
        if (s.isAgent()) {
            throw io.countersign.common.ProblemException.forbidden("agent-is-not-a-person", AGENT_REFUSAL);
        }
        if (!s.isAuditor()) {
            throw io.countersign.common.ProblemException.forbidden("auditor-role-required",
                    "The auditor pages need the auditor role; sign in with an auditor account.");
        }
        return s.reviewer();
    }

    /** The session cookie for a verified token (expires with the token). */
    public NewCookie sessionCookie(String token, Instant expiresAt) {
        return sessionCookie(token, expiresAt, "/inbox");
    }

    /** The session cookie for a verified token, scoped to {@code path} (expires with the token). */
    public NewCookie sessionCookie(String token, Instant expiresAt, String path) {
        long maxAge = Math.max(0, expiresAt.getEpochSecond() - Instant.now().getEpochSecond());
        return cookie(config.sessionCookie(), token.strip(), (int) Math.min(Integer.MAX_VALUE, maxAge), path);
    }

    /** A cookie that removes the session. */
    public NewCookie clearedSessionCookie() {
        return clearedSessionCookie("/inbox");
    }

    /** A cookie that removes the session scoped to {@code path}. */
    public NewCookie clearedSessionCookie(String path) {
        return cookie(config.sessionCookie(), "", 0, path);
    }

    NewCookie cookie(String name, String value, int maxAge) {
        return cookie(name, value, maxAge, "/inbox");
    }

    NewCookie cookie(String name, String value, int maxAge, String path) {
        return new NewCookie.Builder(name).value(value).path(path).httpOnly(true).secure(config.secureCookies())
                .sameSite(NewCookie.SameSite.STRICT).maxAge(maxAge).build();
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
    @org.jboss.resteasy.reactive.server.ServerExceptionMapper
    public Response redirect(RedirectException e) {
        return Response.seeOther(java.net.URI.create(e.location)).build();
    }
}
