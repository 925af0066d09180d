package io.countersign.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/**
 * Settings of the session that the web pages share (inbox, auditor pages, admin pages):
 * {@code countersign.web.*}. The first names, {@code countersign.inbox.session-cookie},
 * {@code countersign.inbox.csrf-cookie} and {@code countersign.inbox.secure-cookies}, are still
 * accepted ({@link WebConfigAliases}).
 */
@ConfigMapping(prefix = "countersign.web")
public interface WebConfig {

    /** How people sign in to the pages. */
    enum SignIn {
        /** The identity provider's authorization code flow (quarkus-oidc); the production way. */
        OIDC,
        /**
         * Pasting a token from the API's issuer into a form (and, in dev, the demo buttons): a
         * fixture for development, the tests and the benchmarks, refused next to OIDC.
         */
        TOKEN
    }

    /** How people sign in; {@code token} only where no identity provider is at hand (dev, tests). */
    @WithDefault("oidc")
    SignIn signIn();

    /** How the identity provider's claims become a Countersign person (docs/inbox.md). */
    Oidc oidc();

    /** Name of the HttpOnly, SameSite=Strict cookie that carries the signed-in person's JWT (token sign-in). */
    @WithDefault("countersign_session")
    String sessionCookie();

    /** Name of the random pre-session cookie that the CSRF token of the sign-in form is bound to (Csrf). */
    @WithDefault("countersign_csrf")
    String csrfCookie();

    /** Marks the cookies Secure (HTTPS only); only the dev and test profiles turn it off. */
    @WithDefault("true")
    boolean secureCookies();

    /** Claims and group mapping of people signed in with OpenID Connect. */
    interface Oidc {

        /** The claim of the ID token that is the person's id (recorded on every decision, compared with agents' owners). */
        @WithDefault("sub")
        String userIdClaim();

        /** The claim shown as the person's name (display only, never compared); the id when absent. */
        @WithDefault("name")
        String nameClaim();

        /**
         * The claim with the person's e-mail address, where notifications go (docs/notifications.md);
         * ignored when the token says {@code email_verified: false}.
         */
        @WithDefault("email")
        String emailClaim();

        /** The claim with the person's IdP groups (a JSON array of strings). */
        @WithDefault("groups")
        String groupsClaim();

        /**
         * IdP group → Countersign reviewer groups (comma-separated), e.g.
         * {@code countersign.web.oidc.group-map."grp-dba-prod"=dba}.
         */
        Map<String, String> groupMap();

        /**
         * IdP group → Countersign roles (reviewer, auditor, admin; comma-separated), e.g.
         * {@code countersign.web.oidc.role-map."grp-countersign-reviewers"=reviewer}.
         */
        Map<String, String> roleMap();

        /**
         * Whether an IdP group that no map lists counts under its own name (a group named
         * {@code dba} is reviewer group dba, one named {@code reviewer} is the role). Off by
         * default: only what the maps name counts, so that a group someone creates in the
         * identity provider for another purpose (say {@code admin}) grants nothing here.
         */
        @WithDefault("false")
        boolean unmappedGroupsAsIs();
    }
}
