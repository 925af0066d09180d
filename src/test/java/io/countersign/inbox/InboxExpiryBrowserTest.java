package io.countersign.inbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Browser;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.PolicyFileProfile;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Expiry in the browser: a short review timeout (test profile) ends the request while the page is open. */
@QuarkusTest
@TestProfile(PolicyFileProfile.class)
class InboxExpiryBrowserTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Test
    void unansweredRequestExpiresAndCanNoLongerBeDecided() throws Exception {
        Assumptions.assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
        String agent = agents.register();
        String olly = "olly-" + UUID.randomUUID().toString().substring(0, 8);
        UUID id = fixture.submit(agent, Payloads.submission("ops.restart", "svc:api", "production", "{\"service\":\"api\"}"));
        fixture.awaitTask(ReviewFixture.reviewer(olly, "oncall"), id);
        try (Browser b = new Browser(base.toString())) {
            b.signIn(Tokens.reviewer(olly, "oncall"));
            b.open("/inbox/requests/" + id);
            b.waitFor(By.id("status"));
            fixture.awaitStatus(agent, id, "EXPIRED");
            b.open("/inbox/requests/" + id);
            b.waitForText(By.id("status"), "EXPIRED");
            assertTrue(b.driver.findElements(By.id("decision-form")).isEmpty());
            assertTrue(b.driver.findElement(By.id("timeline")).getText().contains("expired without a decision"));
            assertTrue(!b.driver.findElements(By.cssSelector("#timeline [data-kind='review.expired']")).isEmpty());
        }
    }
}
