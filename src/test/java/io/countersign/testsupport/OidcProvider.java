package io.countersign.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * A real OpenID Connect provider for the test run (mock-oauth2-server: discovery, JWKS, the
 * authorization code flow with PKCE, an interactive login page that takes a subject and claims
 * as JSON, refresh and end-session endpoints), and the test profile that signs people in with it:
 * {@code countersign.web.sign-in=oidc} with the IdP groups mapped as a company would map theirs.
 */
public class OidcProvider implements QuarkusTestResourceLifecycleManager {

    /** The issuer id in the provider's URLs ({@code http://localhost:port/company}). */
    public static final String ISSUER_ID = "company";
    public static final String CLIENT_ID = "countersign-web";

    private static volatile MockOAuth2Server server;

    /** The running provider (tests enqueue token callbacks on it). */
    public static MockOAuth2Server server() {
        return server;
    }

    /** The issuer URL Countersign is configured with. */
    public static String issuer() {
        return server.issuerUrl(ISSUER_ID).toString();
    }

    @Override
    public Map<String, String> start() {
        server = new MockOAuth2Server(OAuth2Config.Companion.fromJson("{\"interactiveLogin\": true}"));
        server.start();
        return Map.ofEntries(
                Map.entry("countersign.web.sign-in", "oidc"),
                Map.entry("quarkus.oidc.auth-server-url", issuer()),
                Map.entry("quarkus.oidc.client-id", CLIENT_ID),
                Map.entry("quarkus.oidc.credentials.secret", "test-client-secret-0123456789abcdefghij"),
                Map.entry("countersign.web.oidc.role-map.\"grp-countersign-reviewers\"", "reviewer"),
                Map.entry("countersign.web.oidc.role-map.\"grp-countersign-auditors\"", "auditor"),
                Map.entry("countersign.web.oidc.group-map.\"grp-dba-prod\"", "dba"),
                Map.entry("countersign.web.oidc.group-map.\"grp-finance-approvers\"", "finance"),
                Map.entry("countersign.web.oidc.group-map.\"grp-maintainers\"", "maintainers"),
                // short, so that a test can outlive a session (tokens last an hour unless a test says otherwise)
                Map.entry("quarkus.oidc.authentication.session-age-extension", "3S"));
    }

    /**
     * The claims (JSON, for the provider's login page) of a person with Countersign {@code roles}
     * (reviewer, auditor) and reviewer {@code groups} (dba, finance, maintainers), under the
     * provider's own group names that this profile maps.
     */
    public static String claims(String name, List<String> roles, String... groups) {
        List<String> idp = new java.util.ArrayList<>();
        roles.forEach(r -> idp.add(switch (r) {
            case "reviewer" -> "grp-countersign-reviewers";
            case "auditor" -> "grp-countersign-auditors";
            default -> throw new IllegalArgumentException("no provider group for role " + r);
        }));
        for (String g : groups) {
            idp.add(switch (g) {
                case "dba" -> "grp-dba-prod";
                case "finance" -> "grp-finance-approvers";
                case "maintainers" -> "grp-maintainers";
                default -> throw new IllegalArgumentException("no provider group for reviewer group " + g);
            });
        }
        return "{\"name\": \"" + name + "\", \"groups\": [" + String.join(", ",
                idp.stream().map(g -> "\"" + g + "\"").toList()) + "]}";
    }

    /** A reviewer's claims (role reviewer, the given reviewer groups). */
    public static String reviewer(String name, String... groups) {
        return claims(name, List.of("reviewer"), groups);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    /** People sign in to the pages with the provider above. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcProvider.class));
        }
    }
}
