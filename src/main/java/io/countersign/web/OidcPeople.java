package io.countersign.web;

import io.countersign.identity.Roles;
import io.countersign.identity.UsableSubjectAugmentor;
import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * Makes a person of an identity provider's ID token: the id from the configured claim (default
 * {@code sub}), a display name, and reviewer groups and roles from the groups claim through the
 * configured maps ({@code countersign.web.oidc.*}), so that no identity provider needs groups
 * named for Countersign. Refuses, with a page that says why, tokens that cannot make a person:
 * no id, no groups claim at all, or Microsoft Entra ID's group overage (more than 200 groups:
 * the token names a Graph call instead of the groups, which Countersign does not make).
 */
@ApplicationScoped
@Startup
public class OidcPeople {

    /** The roles a person can hold; agents and executors are never people. */
    static final Set<String> PERSON_ROLES = Set.of(Roles.REVIEWER, Roles.AUDITOR, Roles.ADMIN);

    @Inject
    WebConfig config;

    /**
     * Refuses to start when the role map grants a role no person can hold (agent, executor, typos),
     * and warns when people sign in by pasting tokens outside dev and test. The sign-in settings
     * themselves are checked before anything starts ({@link #settingProblems}).
     */
    @PostConstruct
    void check() {
        if (config.signIn() == WebConfig.SignIn.TOKEN && !LaunchMode.current().isDevOrTest()) {
            Log.warn("People sign in by pasting a token (countersign.web.sign-in=token): meant for development, tests "
                    + "and benchmarks. In production people sign in with the identity provider (docs/inbox.md).");
        }
        checkRoleMap();
    }

    /**
     * What must change before people can sign in as configured, one entry per variable, each
     * starting with the variable's name; empty when the settings are usable: OIDC (the default)
     * without an issuer or a client secret (quarkus-oidc would stop with a message about its own key,
     * or quietly disable itself), or token sign-in and an OIDC issuer at once.
     */
    public static List<String> settingProblems(Config c) {
        boolean issuer = present(c, "quarkus.oidc.auth-server-url");
        boolean secret = present(c, "quarkus.oidc.credentials.secret");
        boolean oidcOn = c.getOptionalValue("quarkus.oidc.tenant-enabled", Boolean.class).orElse(true);
        boolean token = c.getOptionalValue("countersign.web.sign-in", String.class)
                .filter(v -> v.strip().equalsIgnoreCase(WebConfig.SignIn.TOKEN.name())).isPresent();
        List<String> problems = new ArrayList<>();
        if (!token) {
            if (!issuer) {
                problems.add("COUNTERSIGN_OIDC_ISSUER is not set: the issuer URL of the OpenID Connect provider people "
                        + "sign in to the pages with (<issuer>/.well-known/openid-configuration is read)");
            }
            if (!secret) {
                problems.add("COUNTERSIGN_OIDC_CLIENT_SECRET is not set: the secret of Countersign's client at that "
                        + "provider (client id COUNTERSIGN_OIDC_CLIENT_ID, default countersign)");
            }
            if (!oidcOn) {
                problems.add("QUARKUS_OIDC_TENANT_ENABLED=false turns people's sign-in off: leave it unset");
            }
        } else if (oidcOn && issuer) {
            problems.add("COUNTERSIGN_WEB_SIGN_IN=token and COUNTERSIGN_OIDC_ISSUER are both set: people sign in one way "
                    + "only; unset countersign.web.sign-in (OpenID Connect, the production way) or the issuer");
        }
        return problems;
    }

    private static boolean present(Config c, String key) {
        return c.getOptionalValue(key, String.class).filter(v -> !v.isBlank()).isPresent();
    }

    void checkRoleMap() {
        List<String> wrong = new ArrayList<>();
        config.oidc().roleMap().forEach((group, roles) -> split(roles).stream()
                .filter(r -> !PERSON_ROLES.contains(r))
                .forEach(r -> wrong.add("countersign.web.oidc.role-map.\"" + group + "\"=" + r)));
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("The role map grants roles that people cannot hold (only "
                    + String.join(", ", new TreeSet<>(PERSON_ROLES)) + "): " + String.join("; ", wrong));
        }
    }

    /** The person the claims name (by {@code claim name → value}), or {@link WebSession.Refused}. */
    public SignedInPerson person(Function<String, Object> claims) {
        return person(claims, config.oidc());
    }

    static SignedInPerson person(Function<String, Object> claims, WebConfig.Oidc cfg) {
        String id = text(claims.apply(cfg.userIdClaim()));
        if (id == null || id.isBlank()) {
            throw new WebSession.Refused("user-id-claim-missing", "Your sign-in has no user id",
                    "The identity provider's ID token has no " + cfg.userIdClaim() + " claim, which Countersign "
                            + "is configured to use as your user id (countersign.web.oidc.user-id-claim). Ask the "
                            + "identity provider's administrators to release it to this application.", null);
        }
        if (!UsableSubjectAugmentor.usable(id.strip())) {
            throw new WebSession.Refused("user-id-unusable", "Your user id cannot be used",
                    "The identity provider's " + cfg.userIdClaim() + " claim is longer than 255 characters or holds "
                            + "control characters, so it cannot be recorded on decisions. Ask the identity provider's "
                            + "administrators, or configure another claim (countersign.web.oidc.user-id-claim).", null);
        }
        Object groupsClaim = claims.apply(cfg.groupsClaim());
        if (groupsClaim == null) {
            boolean overage = claims.apply("_claim_names") instanceof JsonObject names && names.containsKey("groups")
                    || claims.apply("_claim_names") instanceof Map<?, ?> m && m.containsKey("groups");
            throw new WebSession.Refused(overage ? "groups-claim-overage" : "groups-claim-missing",
                    "Your sign-in carries no groups", overage
                            ? "Microsoft Entra ID left out your groups because you are in more than 200 of them "
                                    + "(group overage). Ask its administrators to emit only the groups assigned to "
                                    + "this application (groupMembershipClaims: ApplicationGroup)."
                            : "The identity provider's ID token has no " + cfg.groupsClaim() + " claim, so Countersign "
                                    + "cannot tell your roles and reviewer groups (countersign.web.oidc.groups-claim). "
                                    + "Ask the identity provider's administrators to add the groups claim to the "
                                    + "ID token of this application.", null);
        }
        Set<String> groups = new TreeSet<>();
        Set<String> roles = new TreeSet<>();
        for (String idpGroup : strings(groupsClaim)) {
            String toGroups = cfg.groupMap().get(idpGroup);
            String toRoles = cfg.roleMap().get(idpGroup);
            if (toGroups != null) {
                groups.addAll(split(toGroups));
            }
            if (toRoles != null) {
                roles.addAll(split(toRoles));
            }
            if (toGroups == null && toRoles == null && cfg.unmappedGroupsAsIs()) {
                (PERSON_ROLES.contains(idpGroup) ? roles : groups).add(idpGroup);
            }
        }
        roles.retainAll(PERSON_ROLES);
        groups.removeAll(Roles.ALL);
        String name = text(claims.apply(cfg.nameClaim()));
        String email = text(claims.apply(cfg.emailClaim()));
        // false as a JSON boolean (whichever JSON-P implementation parsed it), a Boolean or the string "false"
        boolean unverified = "false".equals(String.valueOf(claims.apply("email_verified")));
        return new SignedInPerson(id.strip(), name == null || name.isBlank() ? id.strip() : name.strip(), groups, roles,
                unverified ? null : address(email));
    }

    /** A plausible single mailbox ({@code local@domain}, no spaces, no list), else null. */
    static String address(String email) {
        if (email == null) {
            return null;
        }
        String e = email.strip();
        return e.length() <= 320 && e.matches("[^\\s@,;<>\"()\\[\\]]+@[A-Za-z0-9.-]+\\.[A-Za-z0-9-]+") ? e : null;
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String text(Object claim) {
        return claim instanceof JsonString s ? s.getString()
                : claim instanceof String s ? s
                : claim instanceof Number || claim instanceof JsonValue ? String.valueOf(claim) : null;
    }

    private static List<String> strings(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim instanceof JsonArray a) {
            a.forEach(v -> out.add(v instanceof JsonString s ? s.getString() : v.toString()));
        } else if (claim instanceof Collection<?> c) {
            c.forEach(v -> out.add(v instanceof JsonString s ? s.getString() : String.valueOf(v)));
        } else if (text(claim) != null) {
            out.add(text(claim)); // a single group as a string (some providers, one group)
        }
        return out;
    }
}
