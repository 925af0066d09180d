package io.countersign.inbox;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.testsupport.Browser;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** In a real (headless) Chromium: a token with the agent role and a person's role is refused at sign-in. */
@QuarkusTest
class AgentSignInBrowserTest {

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void needsChromium() {
        // .ci/run installs chromium and chromium-driver; a developer machine without them skips with this reason
        Assumptions.assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
    }

    @Test
    void signInFormShowsWhyAnAgentTokenWithTheReviewerRoleIsRefused() throws Exception {
        try (Browser b = new Browser(base.toString())) {
            b.open("/inbox/sign-in");
            WebElement field = b.driver.findElement(By.id("token"));
            String token = Tokens.token("sec-agent-" + UUID.randomUUID().toString().substring(0, 8), "agent", "reviewer",
                    "dba");
            ((JavascriptExecutor) b.driver).executeScript("arguments[0].value = arguments[1];", field, token);
            b.driver.findElement(By.cssSelector("form[action='/inbox/sign-in'] button[type=submit]")).click();
            String alert = b.waitFor(By.cssSelector("[role=alert]")).getText();
            assertTrue(alert.contains("carries the agent role") && alert.contains("not a person"), alert);
            assertTrue(b.driver.findElements(By.id("task-list")).isEmpty(), "no inbox behind the refusal");
            assertNull(b.driver.manage().getCookieNamed("countersign_session"), "no session cookie");
            b.open("/inbox");
            assertTrue(b.driver.getCurrentUrl().endsWith("/inbox/sign-in"), b.driver.getCurrentUrl());
        }
    }
}
