package io.countersign.web;

import io.countersign.identity.IdentityConfig;
import io.countersign.identity.ReviewerGroups;
import io.countersign.identity.Roles;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.quarkus.oidc.IdTokenCredential;
import io.quarkus.oidc.OidcSession;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Who is signed in to the web pages. In production ({@code countersign.web.sign-in=oidc}) a person
 * signs in with the identity provider's authorization code flow and quarkus-oidc keeps the
 * session in its encrypted cookie; {@link OidcPeople} turns the ID token into a person. The API's
 * bearer tokens never reach this class's OIDC path: the pages authenticate only by the code flow
 * (see {@code quarkus.http.auth.permission.pages}). In dev and the tests ({@code token}) the
 * person's JWT from the API's issuer sits in an HttpOnly, SameSite=Strict cookie, verified by
 * SmallRye JWT with exactly the API's settings on every request.
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

    /** The sign-in page (token sign-in's form and dev's demo buttons; with OIDC, a link to the provider). */
    public static final String SIGN_IN_PATH = "/inbox/sign-in";

    /** Starts the code flow (the provider's login page) and then returns to {@code ?next=}. */
    public static final String OIDC_SIGN_IN_PATH = "/auth/sign-in";

    /** Ends the session here and at the provider (RP-initiated logout, quarkus.oidc.logout.path). */
    public static final String OIDC_SIGN_OUT_PATH = "/auth/sign-out";

    @Inject
    JWTParser parser;

    @Inject
    WebConfig config;

    @Inject
    IdentityConfig identity;

    @Inject
    CurrentVertxRequest current;

    @Inject
    SecurityIdentity caller;

    @Inject
    OidcPeople oidcPeople;

    @Inject
    SignedOutSessions signedOut;

    @Inject
    OidcSession oidcSession;

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
                    ReviewerGroups.of(jwt.getClaim(identity.reviewerGroupsClaim())), roles,
                    OidcPeople.address(jwt.getClaim("email") instanceof String e ? e : null));
            return Optional.of(new Session(person, Instant.ofEpochSecond(jwt.getExpirationTime())));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether people sign in with the identity provider (else with a pasted token: dev, tests). */
    public boolean oidc() {
        return config.signIn() == WebConfig.SignIn.OIDC;
    }

    /**
     * The person signed in on this request, if any. With OIDC an identity that the code flow did
     * not establish (no ID token credential) is nobody here; an ID token whose claims cannot make
     * a person (no id, no group claim) refuses with a page that says why ({@link Refused}).
     */
    public Optional<SignedInPerson> current() {
        if (!oidc()) {
            return verify(tokenSessionCookie()).map(Session::person);
        }
        Optional<JsonWebToken> idToken = codeFlowIdToken();
        if (idToken.isEmpty()) {
            return Optional.empty();
        }
        RoutingContext rc = current.getCurrent();
        Boolean out = rc.get(SIGNED_OUT_CHECKED);
        if (out == null) {
            out = signedOut.isSignedOut(SignedOutSessions.key(idToken.get()));
            rc.put(SIGNED_OUT_CHECKED, out);
            if (out) {
                // A copy of a session cookie from before its sign-out: remove it from this browser too.
                oidcSession.logout().await().indefinitely();
            }
        }
        JsonWebToken t = idToken.get();
        // By name: SmallRye answers getClaim("groups") (and containsClaim) with an empty set when there is none.
        Set<String> names = t.getClaimNames();
        return out ? Optional.empty() : Optional.of(oidcPeople.person(n -> names.contains(n) ? t.getClaim(n) : null));
    }

    private static final String SIGNED_OUT_CHECKED = "countersign.web.signed-out-checked";

    /**
     * The ID token of this request's code-flow session; never a bearer token's. A session that
     * can no longer be used (expired past refresh, its keys gone) is no session: the page sends
     * the browser to sign in again instead of answering 401.
     */
    private Optional<JsonWebToken> codeFlowIdToken() {
        try {
            if (caller.isAnonymous() || caller.getCredential(IdTokenCredential.class) == null
                    || !(caller.getPrincipal() instanceof JsonWebToken idToken)) {
                return Optional.empty();
            }
            return Optional.of(idToken);
        } catch (AuthenticationFailedException e) {
            return Optional.empty();
        }
    }

    /** The token sign-in's session cookie on this request (null with OIDC): what CSRF tokens are bound to. */
    String tokenSessionCookie() {
        return oidc() ? null : cookie(current.getCurrent().request(), config.sessionCookie());
    }

    /** Where a browser without a session goes: the sign-in page, or with OIDC the provider and then back here. */
    private RedirectException toSignIn() {
        if (!oidc()) {
            return new RedirectException(SIGN_IN_PATH);
        }
        HttpServerRequest request = current.getCurrent().request();
        String next = request.method() == HttpMethod.GET ? request.uri() : INBOX_PATH;
        return new RedirectException(OIDC_SIGN_IN_PATH + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
    }

    /**
     * The signed-in person with {@code role}; anyone else, an agent's token included, gets a 303
     * to the sign-in page (for pages that send every other visitor to sign in, like the inbox).
     */
    public SignedInPerson requireOrRedirect(String role) {
        return current().filter(p -> p.hasRole(role) && !p.isAgent()).orElseThrow(this::toSignIn);
    }

    /**
     * The signed-in person with {@code role}: without a session a 303 to sign in, with an agent's
     * token a 403 page {@code agent-is-not-a-person}, without the role a 403 page
     * {@code <role>-role-required} saying {@code refusal} (and where this person may go instead).
     */
    public SignedInPerson requireOrRefuse(String role, String refusal) {
        SignedInPerson p = current().orElseThrow(this::toSignIn);
        if (p.isAgent()) {
            throw new Refused("agent-is-not-a-person", "Agents cannot sign in here", AGENT_REFUSAL, p);
        }
        if (!p.hasRole(role)) {
            throw new Refused(role + "-role-required", "Not for your role", refusal, p);
        }
        return p;
    }

    /**
     * The token sign-in's session cookie for a verified token (expires with the token), for all the
     * pages: each page checks the role it needs, so a reviewer who opens the auditor pages is told
     * why not instead of being asked to sign in again. The API never reads it.
     */
    public NewCookie sessionCookie(String token, Instant expiresAt) {
        long maxAge = Math.max(0, expiresAt.getEpochSecond() - Instant.now().getEpochSecond());
        return cookie(config.sessionCookie(), token.strip(), (int) Math.min(Integer.MAX_VALUE, maxAge), "/");
    }

    /** A cookie that removes the token sign-in's session. */
    public NewCookie clearedSessionCookie() {
        return cookie(config.sessionCookie(), "", 0, "/");
    }

    /**
     * Signing out: with OIDC the session recorded as signed out ({@link SignedOutSessions}, so no
     * copy of its cookie opens a page again) and a 303 to the provider's logout (which clears the
     * session cookies here and comes back to the sign-in page); else the token session cookie removed.
     */
    public Response signOut() {
        if (oidc()) {
            Optional<JsonWebToken> idToken = codeFlowIdToken();
            idToken.ifPresent(t -> signedOut.signedOut(SignedOutSessions.key(t)));
            return Response.seeOther(URI.create(idToken.isPresent() ? OIDC_SIGN_OUT_PATH : SIGN_IN_PATH)).build();
        }
        return Response.seeOther(URI.create(SIGN_IN_PATH)).cookie(clearedSessionCookie()).build();
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

    /**
     * A signed-in person (or an identity that cannot be one) refused a page: rendered as a 403
     * page that says why ({@code RefusedPages}), never as the sign-in page.
     */
    public static final class Refused extends RuntimeException {
        public final String type;
        public final String title;
        public final String detail;
        /** The person refused, when there is one (to offer sign-out and the pages they may use). */
        public final SignedInPerson person;

        public Refused(String type, String title, String detail, SignedInPerson person) {
            super(detail, null, false, false);
            this.type = type;
            this.title = title;
            this.detail = detail;
            this.person = person;
        }
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
