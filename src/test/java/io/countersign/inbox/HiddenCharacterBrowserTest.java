package io.countersign.inbox;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Browser;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** In a real browser, the text a reviewer reads names the override instead of being reversed by it. */
@QuarkusTest
class HiddenCharacterBrowserTest {

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

    @Test
    void requestAndAuditPagesShowTheOverrideAsAMarkedEscapeUnderABanner() throws Exception {
        String agent = agents.register();
        String dora = "dora-" + UUID.randomUUID().toString().substring(0, 8);
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "DELETE FROM accounts \u202E;-- 24 = di EREHW")
                .replace("test summary", "Clean up\u200B old accounts"));
        fixture.awaitTask(ReviewFixture.reviewer(dora, "dba"), id);
        try (Browser b = new Browser(base.toString())) {
            b.signIn(Tokens.reviewer(dora, "dba"));
            b.open("/inbox/requests/" + id);
            String statement = b.waitFor(By.cssSelector("ol.statements li")).getText();
            assertTrue(statement.contains("DELETE FROM accounts \u27E8U+202E\u27E9;-- 24 = di EREHW"), statement);
            assertFalse(statement.contains("WHERE id = 42"), "the override must not reverse the text: " + statement);
            String banner = b.driver.findElement(By.id("hidden-characters")).getText();
            assertTrue(banner.contains("2 hidden or direction-changing characters"), banner);
            assertTrue(b.driver.findElement(By.id("summary")).getText().equals("Clean up\u27E8U+200B\u27E9 old accounts"));
            b.screenshot("request-hidden-characters");
            b.driver.findElement(By.cssSelector("#raw-json")).findElement(By.xpath("./ancestor::details")).click();
            assertTrue(b.driver.findElement(By.id("raw-json")).getText().contains("\u27E8U+202E\u27E9"));
            assertTrue(b.seriousAccessibilityViolations().isEmpty(), "accessible with the banner");
        }
        // an agent's outcome report is untrusted text that lands in the decision trail
        String staging = fixture.submit(agent, Payloads.schemaChange("staging", "ALTER TABLE t ADD COLUMN c INT"))
                .toString();
        given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON)
                .body("{\"outcome\":\"EXECUTED\",\"detail\":\"0 rows \u202Edetceffa\"}")
                .when().post("/api/v1/actions/" + staging + "/outcome").then().statusCode(200);
        try (Browser b = new Browser(base.toString())) {
            b.open("/inbox/sign-in");
            WebElement field = b.driver.findElement(By.id("token"));
            ((JavascriptExecutor) b.driver).executeScript("arguments[0].value = arguments[1];", field, Tokens.auditor());
            b.driver.findElement(By.cssSelector("form[action='/inbox/sign-in'] button[type=submit]")).click();
            b.waitFor(By.id("integrity"));
            b.open("/audit/requests/" + staging);
            b.waitForText(By.cssSelector("ol.trail"), "action.executed");
            // each event's data is folded: open them as an auditor would
            b.driver.findElements(By.cssSelector("ol.trail li.event > details > summary")).forEach(WebElement::click);
            b.waitForText(By.cssSelector("ol.trail"), "EXECUTED");
            String trail = b.driver.findElement(By.cssSelector("ol.trail")).getText();
            assertTrue(trail.contains("0 rows \u27E8U+202E\u27E9detceffa"), trail);
        }
    }
}
