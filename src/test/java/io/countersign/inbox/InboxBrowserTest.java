package io.countersign.inbox;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The inbox in a real (headless) Chromium: live updates, decisions, four eyes, revisions, accessibility. */
@QuarkusTest
class InboxBrowserTest {

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

    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertAccessible(Browser b, String page) throws Exception {
        List<String> violations = b.seriousAccessibilityViolations();
        assertTrue(violations.isEmpty(), page + ": " + violations);
    }

    @Test
    void newTaskAppearsLiveAndApprovalReleasesTheAgentsLongPoll() throws Exception {
        String agent = agents.register();
        String dora = user("dora");
        try (Browser b = new Browser(base.toString())) {
            b.signIn(Tokens.reviewer(dora, "dba"));
            assertAccessible(b, "inbox");
            UUID id = fixture.submit(agent, Payloads.schemaChange("production",
                    "ALTER TABLE orders ADD COLUMN note TEXT", "ALTER TABLE orders DROP COLUMN legacy_flag"));
            // no reload: the SSE event makes the row appear
            b.waitFor(By.cssSelector("tr[data-request='" + id + "'] a")).click();
            b.waitFor(By.id("decision-form"));
            assertTrue(b.driver.findElement(By.id("sql-stats")).getText().contains("2 statements"));
            assertAccessible(b, "request page");
            b.screenshot("request-sql");
            CompletableFuture<String> poll = CompletableFuture.supplyAsync(() -> given().auth().oauth2(Tokens.agent(agent))
                    .when().get("/api/v1/actions/" + id + "?wait=30s").then().statusCode(200).extract().path("status"));
            b.driver.findElement(By.id("comment")).sendKeys("Column drop checked with the owning team");
            b.driver.findElement(By.id("approve")).click();
            b.waitForText(By.id("notice"), "approval is recorded");
            assertAccessible(b, "decision result");
            assertEquals("APPROVED", poll.get(40, TimeUnit.SECONDS));
            b.open("/inbox/decisions");
            b.waitForText(By.tagName("main"), "Column drop checked with the owning team");
            assertAccessible(b, "my decisions");
        }
    }

    @Test
    void rejectWithAComment() throws Exception {
        String agent = agents.register();
        String max = user("max");
        UUID id = fixture.submit(agent, Payloads.codePush("main", "production"));
        fixture.awaitTask(ReviewFixture.reviewer(max, "maintainers"), id);
        try (Browser b = new Browser(base.toString())) {
            b.signIn(Tokens.reviewer(max, "maintainers"));
            b.screenshot("inbox");
            b.open("/inbox/requests/" + id);
            b.driver.findElement(By.id("reject")).click();
            b.waitForText(By.id("error"), "comment");
            assertEquals("PENDING_REVIEW", fixture.status(agent, id));
            b.driver.findElement(By.id("comment")).sendKeys("Needs tests first");
            b.driver.findElement(By.id("reject")).click();
            b.waitForText(By.id("notice"), "rejection is recorded");
            fixture.awaitStatus(agent, id, "REJECTED");
        }
    }

    @Test
    void fourEyesNeedTwoPeopleAndRefusesTheSamePersonTwice() throws Exception {
        String agent = agents.register();
        String fred = user("fred");
        String fiona = user("fiona");
        UUID id = fixture.submit(agent, Payloads.payment("48000.00", "production"));
        fixture.awaitTask(ReviewFixture.reviewer(fred, "finance"), id);
        try (Browser b1 = new Browser(base.toString()); Browser b2 = new Browser(base.toString())) {
            b1.signIn(Tokens.reviewer(fred, "finance"));
            b1.open("/inbox/requests/" + id);
            b1.waitFor(By.id("payload-table"));
            b1.screenshot("request-payment");
            b1.driver.findElement(By.id("approve")).click();
            b1.waitForText(By.id("notice"), "approval is recorded");
            // the second step is open, but fred cannot approve it (he could still reject: docs/inbox.md)
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
                b1.open("/inbox/requests/" + id);
                return b1.driver.findElement(By.id("approvals")).getText().startsWith("1 of 2")
                        && !b1.driver.findElements(By.id("no-approve")).isEmpty();
            });
            assertTrue(b1.driver.findElements(By.id("approve")).isEmpty(), "fred must not see approve again");
            assertTrue(b1.driver.findElement(By.id("no-approve")).getText().contains("already approved"));
            assertTrue(!b1.driver.findElements(By.id("reject")).isEmpty(), "fred may still reject at step two");
            assertEquals("PENDING_REVIEW", fixture.status(agent, id));
            b2.signIn(Tokens.reviewer(fiona, "finance"));
            fixture.awaitTask(ReviewFixture.reviewer(fiona, "finance"), id);
            b2.open("/inbox/requests/" + id);
            b2.driver.findElement(By.id("comment")).sendKeys("Second pair of eyes: ok");
            b2.driver.findElement(By.id("approve")).click();
            b2.waitForText(By.id("notice"), "approval is recorded");
            fixture.awaitStatus(agent, id, "APPROVED");
        }
    }

    @Test
    void requestChangesThenTheRevisionIsReviewedAgain() throws Exception {
        String agent = agents.register();
        String dora = user("dora");
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "DROP TABLE orders_old"));
        fixture.awaitTask(ReviewFixture.reviewer(dora, "dba"), id);
        try (Browser b = new Browser(base.toString())) {
            b.signIn(Tokens.reviewer(dora, "dba"));
            b.open("/inbox/requests/" + id);
            b.driver.findElement(By.id("comment")).sendKeys("Rename it first instead of dropping");
            b.driver.findElement(By.id("request-changes")).click();
            b.waitForText(By.id("notice"), "Sent back to the agent");
            fixture.awaitStatus(agent, id, "CHANGES_REQUESTED");
            given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON)
                    .body("{\"summary\":\"Rename orders_old\",\"justification\":\"as asked\",\"payload\":"
                            + "{\"database\":\"orders\",\"statements\":[\"ALTER TABLE orders_old RENAME TO orders_archive\"]}}")
                    .when().post("/api/v1/actions/" + id + "/revisions").then().statusCode(200);
            fixture.awaitTask(ReviewFixture.reviewer(dora, "dba"), id);
            b.open("/inbox/requests/" + id);
            b.waitForText(By.id("summary"), "Rename orders_old");
            assertTrue(b.driver.findElement(By.id("timeline")).getText().contains("The agent submitted a revision"));
            b.driver.findElement(By.id("approve")).click();
            b.waitForText(By.id("notice"), "approval is recorded");
            fixture.awaitStatus(agent, id, "APPROVED");
        }
    }
}
