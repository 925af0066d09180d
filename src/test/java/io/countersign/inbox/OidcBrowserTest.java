package io.countersign.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Browser;
import io.countersign.testsupport.Ids;
import io.countersign.testsupport.OidcProvider;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

/**
 * The whole sign-in in a real (headless) Chromium against a real OpenID Connect provider: the
 * provider's login page, the inbox with the mapped groups, a decision, sign-out (here and at the
 * provider), and the agent's owner refused approval. {@link OidcSignInTest} covers the failures.
 */
@QuarkusTest
@TestProfile(OidcProvider.Profile.class)
class OidcBrowserTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @BeforeEach
    void needsChromium() {
        // .ci/run installs chromium and chromium-driver; a developer machine without them skips with this reason
        Assumptions.assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
    }

    /** Signs in on the provider's own login page as {@code subject} with the IdP groups {@code groups}. */
    static void signInAtProvider(Browser b, String subject, String... groups) {
        b.waitFor(By.name("username")).sendKeys(subject);
        String claims = "{\"name\": \"" + subject + "\", \"groups\": [" + String.join(", ",
                java.util.Arrays.stream(groups).map(g -> "\"" + g + "\"").toList()) + "]}";
        b.driver.findElement(By.name("claims")).sendKeys(claims);
        b.driver.findElement(By.cssSelector("input[type=submit]")).click();
    }

    @Test
    void aReviewerSignsInAtTheProviderDecidesAndSignsOutEverywhere() throws Exception {
        String agent = agents.register();
        String dora = Ids.unique("dora") + "@example.com";
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "ALTER TABLE orders ADD COLUMN note TEXT"));
        fixture.awaitTask(ReviewFixture.reviewer(dora, "dba"), id);
        try (Browser b = new Browser(base.toString())) {
            b.open("/inbox/requests/" + id);
            assertTrue(b.driver.getCurrentUrl().startsWith(OidcProvider.issuer() + "/authorize"), b.driver.getCurrentUrl());
            b.screenshot("provider-login");
            signInAtProvider(b, dora, "grp-countersign-reviewers", "grp-dba-prod");
            // back on the page first asked for, as dora with the mapped group
            b.waitFor(By.id("decision-form"));
            assertTrue(b.driver.getCurrentUrl().endsWith("/inbox/requests/" + id), b.driver.getCurrentUrl());
            assertTrue(b.driver.findElement(By.cssSelector("header .who")).getText().contains(dora + " (dba)"));
            Cookie session = b.driver.manage().getCookieNamed("q_session");
            assertTrue(session != null && session.isHttpOnly(), "an HttpOnly session cookie");
            assertEquals("Lax", session.getSameSite());
            b.driver.findElement(By.id("comment")).sendKeys("Checked with the owning team");
            b.driver.findElement(By.id("approve")).click();
            b.waitForText(By.tagName("main"), "APPROVED");
            fixture.awaitStatus(agent, id, "APPROVED");

            b.driver.findElement(By.cssSelector("form[action='/inbox/sign-out'] button")).click();
            try {
                b.waitFor(By.id("signed-out"));
            } catch (org.openqa.selenium.TimeoutException e) {
                throw new AssertionError("not back on the sign-in page: " + b.driver.getCurrentUrl() + " "
                        + b.driver.getPageSource(), e);
            }
            assertTrue(b.driver.getCurrentUrl().contains("/inbox/signed-out"), b.driver.getCurrentUrl());
            assertNull(b.driver.manage().getCookieNamed("q_session"), "the session cookie is gone");
            b.screenshot("signed-out-oidc");
            List<String> violations = b.seriousAccessibilityViolations();
            assertTrue(violations.isEmpty(), "signed-out page: " + violations);
            // the provider was told: its end-session endpoint was called with our ID token
            var endSession = OidcProvider.server().takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
            while (endSession != null && !endSession.getPath().contains("/endsession")) {
                endSession = OidcProvider.server().takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertTrue(endSession != null && endSession.getPath().contains("id_token_hint="), "RP-initiated logout");
            // and the inbox needs a new sign-in at the provider
            b.open("/inbox");
            assertTrue(b.driver.getCurrentUrl().startsWith(OidcProvider.issuer() + "/authorize"), b.driver.getCurrentUrl());
        }
    }

    @Test
    void theAgentsOwnerSignedInAtTheProviderIsRefusedApproval() throws Exception {
        String agent = agents.register();
        // TestAgents registers agents owned by "owner-<agent id>"; the IdP sends the same id with other case
        String owner = ("owner-" + agent).toUpperCase(java.util.Locale.ROOT);
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "ALTER TABLE orders ADD COLUMN note TEXT"));
        fixture.awaitTask(ReviewFixture.reviewer(owner, "dba"), id);
        try (Browser b = new Browser(base.toString())) {
            b.open("/inbox/requests/" + id);
            signInAtProvider(b, owner, "grp-countersign-reviewers", "grp-dba-prod");
            b.waitForText(By.tagName("main"), "cannot approve");
            assertTrue(b.driver.findElements(By.id("approve")).isEmpty(), "no approve button for the agent's owner");
            assertEquals("PENDING_REVIEW", fixture.status(agent, id));
            List<String> violations = b.seriousAccessibilityViolations();
            assertTrue(violations.isEmpty(), violations.toString());
        }
    }
}
