package io.countersign.inbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.countersign.testsupport.OidcProvider;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.Test;

/**
 * Signing in to the pages with a real OpenID Connect provider over HTTP, step by step: the flow,
 * the identity and groups it yields, sign-out, and every way it must fail. The same flow in
 * Chromium is {@link OidcBrowserTest}.
 */
@QuarkusTest
@TestProfile(OidcProvider.Profile.class)
class OidcSignInTest {

    /** Claims as a company's provider sends them: its own group names, mapped in configuration. */
    static String claims(String name, String... groups) {
        return "{\"name\": \"" + name + "\", \"groups\": [" + String.join(", ",
                java.util.Arrays.stream(groups).map(g -> "\"" + g + "\"").toList()) + "]}";
    }

    static final String RITA = claims("Rita Reviewer", "grp-countersign-reviewers", "grp-dba-prod", "grp-unrelated");

    @Test
    void aReviewerSignsInAtTheProviderAndLandsOnThePageSheAskedForWithHerMappedGroups() {
        InboxClient browser = new InboxClient();
        Response first = browser.get("/inbox/decisions");
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.header("Location")).endsWith("/auth/sign-in?next=%2Finbox%2Fdecisions");
        Response toProvider = browser.getRaw(first.header("Location"));
        assertThat(toProvider.statusCode()).isEqualTo(302);
        String authorize = toProvider.header("Location");
        assertThat(authorize).startsWith(OidcProvider.issuer() + "/authorize").contains("code_challenge=")
                .contains("code_challenge_method=S256").contains("state=").contains("scope=openid")
                .contains("redirect_uri=" + java.net.URLEncoder.encode(browser.origin() + "/auth/callback",
                        java.nio.charset.StandardCharsets.UTF_8));

        Response landed = browser.signInAtProvider("%2Finbox%2Fdecisions", "rita@example.com", RITA);
        assertThat(landed.statusCode()).as(landed.body().asString()).isEqualTo(200);
        assertThat(browser.cookies()).containsKey("q_session").doesNotContainKey("countersign_session");
        // The id is the configured claim (sub); grp-dba-prod maps to dba; an unmapped group grants nothing.
        assertThat(landed.body().asString()).contains("Signed in as <strong>rita@example.com</strong> (dba)")
                .doesNotContain("grp-unrelated");
    }

    @jakarta.inject.Inject
    io.countersign.notification.Contacts contacts;

    java.util.Optional<String> emailOf(String user) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> contacts.emailOf(user));
    }

    @Test
    void theVerifiedAddressOfTheLatestSignInIsWhereNotificationsGo() {
        String user = "mail-" + java.util.UUID.randomUUID();
        String groups = "\"groups\": [\"grp-countersign-reviewers\", \"grp-dba-prod\"]";
        Response in = new InboxClient().signInAtProvider("%2Finbox", user,
                "{\"name\": \"Mia\", \"email\": \"mia@example.com\", " + groups + "}");
        assertThat(in.statusCode()).isEqualTo(200);
        assertThat(emailOf(user)).contains("mia@example.com");
        // the provider no longer vouches for it: the address is forgotten
        Response again = new InboxClient().signInAtProvider("%2Finbox", user,
                "{\"name\": \"Mia\", \"email\": \"mia@example.com\", \"email_verified\": false, " + groups + "}");
        assertThat(again.statusCode()).as(again.body().asString()).isEqualTo(200);
        assertThat(emailOf(user)).isEmpty();
    }

    @Test
    void anAuditorLandsOnTheAuditPagesAndAReviewerThereIsToldWhyNot() {
        InboxClient auditor = new InboxClient();
        Response audit = auditor.signInAtProvider(null, "ann@example.com", claims("Ann", "grp-countersign-auditors"));
        assertThat(audit.statusCode()).isEqualTo(200);
        assertThat(audit.body().asString()).contains("Decision trail");
        Response inbox = auditor.get("/inbox");
        assertThat(inbox.statusCode()).isEqualTo(303); // the inbox sends a non-reviewer to sign in, as before

        InboxClient reviewer = new InboxClient();
        reviewer.signInAtProvider(null, "rita@example.com", RITA);
        Response refused = reviewer.get("/audit");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("text/html");
        assertThat(refused.header("Countersign-Refusal")).isEqualTo("auditor-role-required");
        assertThat(refused.body().asString()).contains("auditor role").contains("href=\"/inbox\"");
    }

    @Test
    void signingOutEndsTheSessionHereAndAtTheProviderAndACopiedCookieOpensNothing() {
        InboxClient browser = new InboxClient();
        // Its own subject: the session key of a provider without sid and auth_time includes the login's iat.
        assertThat(browser.signInAtProvider("%2Finbox", "rita.signs.out@example.com", RITA).statusCode()).isEqualTo(200);
        Map<String, String> copied = Map.copyOf(browser.cookies());

        Response out = browser.post("/inbox/sign-out", Map.of());
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.header("Location")).endsWith("/auth/sign-out");
        Response logout = browser.getRaw(out.header("Location"));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.header("Location")).startsWith(OidcProvider.issuer() + "/endsession")
                .contains("id_token_hint=").contains("post_logout_redirect_uri=");
        assertThat(browser.cookies()).doesNotContainKey("q_session");

        Response replayed = given().redirects().follow(false).cookies(copied).when().get("/inbox");
        assertThat(replayed.statusCode()).isEqualTo(303);
        assertThat(replayed.header("Location")).contains("/auth/sign-in");
    }

    @Test
    void theTwoWaysInNeverMix() {
        InboxClient browser = new InboxClient();
        browser.signInAtProvider(null, "rita@example.com", RITA);
        // A page session cookie is no credential for the API ...
        Response api = given().cookies(browser.cookies()).when().get("/api/v1/actions?limit=1");
        assertThat(api.statusCode()).isEqualTo(401);
        // ... and neither the API's bearer tokens nor the provider's own open a page.
        for (String bearer : List.of(Tokens.reviewer("rita", "dba"),
                OidcProvider.server().issueToken(OidcProvider.ISSUER_ID, OidcProvider.CLIENT_ID,
                        new DefaultOAuth2TokenCallback(OidcProvider.ISSUER_ID, "rita@example.com", "JWT",
                                List.of(OidcProvider.CLIENT_ID), Map.of("groups", List.of("grp-countersign-reviewers")),
                                600)).serialize())) {
            Response page = given().redirects().follow(false).auth().oauth2(bearer).when().get("/inbox");
            assertThat(page.statusCode()).isEqualTo(303);
            assertThat(page.header("Location")).contains("/auth/sign-in");
        }
        // Pasting a token is not a way in either.
        InboxClient paster = new InboxClient();
        paster.get("/inbox/sign-in");
        Response pasted = paster.post("/inbox/sign-in", Map.of("token", Tokens.reviewer("rita", "dba")));
        assertThat(pasted.statusCode()).as(pasted.body().asString()).isEqualTo(404);
    }

    /** Rita's claims with an ID token that expires {@code seconds} from now. */
    static String ritaExpiringIn(long seconds) {
        return RITA.replaceFirst("^\\{", "{\"exp\": " + (System.currentTimeMillis() / 1000 + seconds) + ", ");
    }

    @Test
    void tokensCloseToExpiryAreRefreshedAndTheSessionGoesOn() {
        InboxClient browser = new InboxClient();
        // 30 s left: within quarkus.oidc.token.refresh-token-time-skew (1 min), so the next page refreshes
        assertThat(browser.signInAtProvider(null, "rita.refresh@example.com", ritaExpiringIn(30)).statusCode())
                .isEqualTo(200);
        String before = browser.cookies().get("q_session");
        Response page = browser.get("/inbox/decisions");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(browser.cookies().get("q_session")).as("a new session cookie with the refreshed tokens")
                .isNotNull().isNotEqualTo(before);
        assertThat(browser.get("/inbox").statusCode()).isEqualTo(200);
    }

    @Test
    void anExpiredSessionOpensNothing() throws Exception {
        InboxClient browser = new InboxClient();
        assertThat(browser.signInAtProvider(null, "rita.expires@example.com", ritaExpiringIn(3)).statusCode())
                .isEqualTo(200);
        // past the ID token's exp and the session-age extension (3 s in this profile)
        Thread.sleep(8_000);
        Response r = browser.get("/inbox");
        assertThat(r.statusCode()).isIn(302, 303);
        assertThat(r.header("Location")).satisfiesAnyOf(l -> assertThat(l).contains("/auth/sign-in"),
                l -> assertThat(l).startsWith(OidcProvider.issuer()));
    }

    @Test
    void aCallbackWithAnotherStateOpensNoSession() {
        InboxClient browser = new InboxClient();
        String callback = browser.loginAtProvider(null, "rita@example.com", RITA);
        Response r = browser.getRaw(callback.replaceFirst("state=[^&]+", "state=forged"));
        // quarkus-oidc starts a new sign-in at the provider rather than use the code
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith(OidcProvider.issuer() + "/authorize");
        assertThat(browser.cookies()).doesNotContainKey("q_session");
    }

    @Test
    void aReplayedCallbackOpensNoSession() {
        InboxClient victim = new InboxClient();
        String callback = victim.loginAtProvider(null, "rita@example.com", RITA);
        assertThat(victim.follow(victim.getRaw(callback)).statusCode()).isEqualTo(200);
        // The same browser again: its state cookie was used up.
        InboxClient sameAgain = new InboxClient();
        sameAgain.cookies().putAll(victim.cookies());
        sameAgain.cookies().remove("q_session");
        Response again = sameAgain.getRaw(callback);
        assertThat(sameAgain.cookies()).doesNotContainKey("q_session");
        assertThat(again.statusCode()).isNotEqualTo(200);
        // Another browser (an attacker who saw the URL): no state cookie at all.
        InboxClient attacker = new InboxClient();
        Response stolen = attacker.getRaw(callback);
        assertThat(attacker.cookies()).doesNotContainKey("q_session");
        assertThat(stolen.statusCode()).isNotEqualTo(200);
    }

    @Test
    void anIdTokenForAnotherAudienceOrFromAnotherIssuerOpensNoSession() {
        // The provider's login page lets the test set any claim of the ID token it issues.
        InboxClient audience = new InboxClient();
        Response r = audience.getRaw(audience.loginAtProvider(null, "mallory",
                "{\"aud\": \"another-application\", \"groups\": [\"grp-countersign-reviewers\"]}"));
        assertThat(audience.cookies()).doesNotContainKey("q_session");
        assertThat(r.statusCode()).isEqualTo(401);
        // a page that says what happened, not a bare status (SignInFailurePage)
        assertThat(r.header("Countersign-Refusal")).isEqualTo("sign-in-not-completed");
        assertThat(r.contentType()).startsWith("text/html");
        assertThat(r.body().asString()).contains("Sign in again");

        InboxClient issuer = new InboxClient();
        Response i = issuer.getRaw(issuer.loginAtProvider(null, "mallory",
                "{\"iss\": \"https://idp.attacker.example\", \"groups\": [\"grp-countersign-reviewers\"]}"));
        assertThat(issuer.cookies()).doesNotContainKey("q_session");
        assertThat(i.statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenWithoutTheGroupsClaimIsToldWhatIsMissing() {
        InboxClient browser = new InboxClient();
        Response r = browser.signInAtProvider(null, "nora@example.com", "{\"name\": \"Nora\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.header("Countersign-Refusal")).isEqualTo("groups-claim-missing");
        assertThat(r.body().asString()).contains("no groups claim");
    }

    @Test
    void entraIdsGroupOverageIsNamed() {
        InboxClient browser = new InboxClient();
        Response r = browser.signInAtProvider(null, "olga@example.com",
                "{\"_claim_names\": {\"groups\": \"src1\"}, \"_claim_sources\": {\"src1\": {\"endpoint\": "
                        + "\"https://graph.windows.net/x/users/y/getMemberObjects\"}}}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.header("Countersign-Refusal")).isEqualTo("groups-claim-overage");
    }

    @Test
    void aPersonWithoutAPageRoleIsToldSo() {
        InboxClient browser = new InboxClient();
        Response r = browser.signInAtProvider(null, "sam@example.com", claims("Sam", "grp-dba-prod"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.header("Countersign-Refusal")).isEqualTo("no-page-role");
    }

    @Test
    void theProviderRefusingSaysSoOnTheSignInPage() {
        Response r = given().redirects().follow(false).urlEncodingEnabled(false).when()
                .get("/inbox/sign-in?error=access_denied&error_description=User+is+not+assigned+to+the+application%2C+sorry");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body().asString()).contains("did not sign you in (access_denied: User is not assigned to the application, sorry)");
    }

    @Test
    void nextNeverLeavesThePages() {
        for (String next : List.of("https%3A%2F%2Fevil.example%2F", "%2F%2Fevil.example", "%2Finbox%2F..%2F..%2Fapi",
                "%2Fapi%2Fv1%2Factions", "%2Finbox%5C%5Cevil.example")) {
            InboxClient browser = new InboxClient();
            Response back = browser.getRaw(browser.loginAtProvider(next, "rita@example.com", RITA));
            assertThat(back.header("Location")).as(next).contains("/auth/sign-in?next=");
            Response sent = browser.getRaw(back.header("Location"));
            assertThat(sent.statusCode()).as(next).isEqualTo(303);
            assertThat(sent.header("Location")).as(next).isEqualTo(browser.origin() + "/inbox");
        }
    }
}
