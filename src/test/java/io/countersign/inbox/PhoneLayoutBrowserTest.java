package io.countersign.inbox;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.json.JsonSupport;
import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Browser;
import io.countersign.testsupport.Ids;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.countersign.testsupport.OidcProvider;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Every inbox and auditor page at 390x844 (a phone) and 1280x1000 (a desktop) with long content: no
 * sideways scrolling of the page, touch targets of at least 44x44 px, readable text, no serious axe-core
 * violation; screenshots of both sizes. The exact rules are in src/test/resources/layout/layout-check.js.
 */
@QuarkusTest
@TestProfile(OidcProvider.Profile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhoneLayoutBrowserTest {

    static final int PHONE_WIDTH = 390;
    static final int PHONE_HEIGHT = 844;
    static final int DESKTOP_WIDTH = 1280;
    static final int DESKTOP_HEIGHT = 1000;

    /** A table or column name with no place to break a line. */
    static final String LONG_NAME = "customer_order_line_item_fulfilment_status_history_archive_partition_2026_q4_eu_west";

    /** A link without spaces, as reviewers paste them into comments and agents into justifications. */
    static final String LONG_URL = "https://wiki.example.com/display/PLATFORM/Runbooks/Database/"
            + "Online-schema-changes-for-partitioned-order-tables-without-downtime?version=42&anchor=rollback";

    /** The pages, each as a phone and a desktop see it; the name names the screenshots. */
    enum Page {
        SIGN_IN("signin"), INBOX("inbox"), REQUEST_SQL("request-sql"), REQUEST_PATCH("request-patch"),
        REQUEST_DECISIONS("request-decisions"), DECISIONS("decisions"), NOT_FOUND("notfound"),
        AUDIT_SEARCH("audit-search"), AUDIT_TRAIL("audit-trail");

        final String name;

        Page(String name) {
            this.name = name;
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    boolean ready;
    String agent;
    String reviewer;
    UUID sql;
    UUID patch;
    UUID payment;

    @BeforeEach
    void longRequestsInReview() {
        // .ci/run installs chromium and chromium-driver; a developer machine without them skips with this reason
        Assumptions.assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
        if (ready) {
            return; // made once for all pages (REST Assured knows the test port only from the first test on)
        }
        agent = agents.register();
        // a long subject, as some identity providers issue them: the header shows it
        reviewer = Ids.unique("ada-lovelace-on-call-database-and-payments-reviewer-europe-west");
        String[] groups = { "dba", "finance", "maintainers" };
        // someone else of the same groups, so the request page offers to reassign
        String bob = Ids.unique("bob-on-call-reviewer");
        InboxClient.signedInAtProvider(bob, OidcProvider.reviewer(bob, groups));
        InboxClient ada = InboxClient.signedInAtProvider(reviewer, OidcProvider.reviewer(reviewer, groups));

        sql = fixture.submit(agent, Payloads.schemaChange("production",
                "ALTER TABLE " + LONG_NAME + " ADD COLUMN fulfilment_status_changed_by_service_account_identifier "
                        + "VARCHAR(255) NOT NULL DEFAULT 'unknown-service-account-placeholder-value'",
                "UPDATE " + LONG_NAME + " SET fulfilment_status_changed_by_service_account_identifier = "
                        + "'orders-fulfilment-worker-eu-west-1-production' WHERE created_at < TIMESTAMP '2026-10-01 00:00:00' "
                        + "AND fulfilment_status IN ('SHIPPED', 'DELIVERED', 'RETURNED', 'REFUNDED', 'CANCELLED_BY_CUSTOMER')",
                "CREATE INDEX CONCURRENTLY idx_" + LONG_NAME + "_status ON " + LONG_NAME + " (fulfilment_status)",
                "DROP TABLE " + LONG_NAME + "_old")
                .replace("test summary", "Archive " + LONG_NAME)
                .replace("test justification", "Runbook: " + LONG_URL));

        StringBuilder diff = new StringBuilder("diff --git a/src/main/java/com/acme/orders/fulfilment/"
                + "OrderFulfilmentStatusHistoryArchivePartitionMaintenanceScheduler.java b/src/main/java/com/acme/orders/"
                + "fulfilment/OrderFulfilmentStatusHistoryArchivePartitionMaintenanceScheduler.java\\n@@ -1,40 +1,44 @@\\n");
        for (int i = 0; i < 40; i++) {
            diff.append(i % 3 == 0 ? "-" : "+").append("    private static final String QUERY_").append(i)
                    .append(" = \\\"SELECT * FROM ").append(LONG_NAME).append(" WHERE fulfilment_status = ? AND id > ?\\\";\\n");
        }
        patch = fixture.submit(agent, Payloads.submission("code.push", "github.com/acme/orders-fulfilment-service",
                "production", "{\"repository\":\"github.com/acme/orders-fulfilment-service\",\"branch\":\""
                        + "release/2026-q4/ORDERS-4711-archive-fulfilment-status-history-partitions-before-the-peak\","
                        + "\"commitSha\":\"" + "0123456789abcdef".repeat(4) + "\",\"diffStat\":{\"filesChanged\":1,"
                        + "\"insertions\":27,\"deletions\":14},\"patch\":\"" + diff + "\"}")
                .replace("test summary", "Push release/2026-q4/ORDERS-4711-archive-fulfilment-status-history-partitions"));

        payment = fixture.submit(agent, paymentOf("INV-2026-000001"));
        // several rounds of comments, then the first of two approvals: a long list of decisions
        for (int round = 1; round <= 3; round++) {
            fixture.awaitTask(ReviewFixture.reviewer(reviewer, groups), payment);
            Response page = ada.get("/inbox/requests/" + payment);
            assertEquals(303, ada.decide(payment, page, "request-changes", "Round " + round + ": the reference does not "
                    + "match the invoice in the ledger, see " + LONG_URL + "&round=" + round).statusCode());
            fixture.awaitStatus(agent, payment, "CHANGES_REQUESTED");
            given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON)
                    .body("{\"summary\":\"Pay ACME, revision " + (round + 1) + "\",\"justification\":\"as asked\","
                            + "\"payload\":" + paymentPayload("INV-2026-00000" + (round + 1)) + "}")
                    .when().post("/api/v1/actions/" + payment + "/revisions").then().statusCode(200);
        }
        fixture.awaitTask(ReviewFixture.reviewer(reviewer, groups), payment);
        Response page = ada.get("/inbox/requests/" + payment);
        assertEquals(303, ada.decide(payment, page, "approve", "Matches invoice " + LONG_URL).statusCode());
        fixture.awaitTask(ReviewFixture.reviewer(reviewer, groups), sql);
        fixture.awaitTask(ReviewFixture.reviewer(reviewer, groups), patch);
        ready = true;
    }

    static String paymentPayload(String reference) {
        return "{\"amount\":\"48000.00\",\"currency\":\"EUR\",\"beneficiary\":{\"name\":\""
                + "ACME-Industrieanlagen-und-Maschinenbau-Gesellschaft-mit-beschraenkter-Haftung-Niederlassung-Sued\","
                + "\"iban\":\"DE89370400440532013000\",\"bic\":\"COBADEFFXXX\"},\"reference\":\"" + reference
                + "-ACME-ORDERS-FULFILMENT-ARCHIVE-PARTITIONS-Q4\"}";
    }

    static String paymentOf(String reference) {
        return Payloads.submission("payment.transfer", "acct:treasury/main-operating-account-eur-eu-west", "production",
                paymentPayload(reference));
    }

    @ParameterizedTest
    @EnumSource(Page.class)
    void pageFitsAPhoneAndADesktop(Page page) throws Exception {
        List<String> problems = new ArrayList<>();
        try (Browser b = new Browser(base.toString())) {
            signIn(b, page);
            check(b, page, "phone", PHONE_WIDTH, PHONE_HEIGHT, true, problems);
            check(b, page, "desktop", DESKTOP_WIDTH, DESKTOP_HEIGHT, false, problems);
        }
        assertTrue(problems.isEmpty(), page.name + ":\n  " + String.join("\n  ", problems));
    }

    private void signIn(Browser b, Page page) {
        switch (page) {
            case SIGN_IN -> {
            }
            case AUDIT_SEARCH, AUDIT_TRAIL -> b.signInAtProvider("audrey-auditor",
                    OidcProvider.claims("audrey-auditor", List.of("auditor")), By.id("integrity"));
            default -> b.signInAtProvider(reviewer, OidcProvider.reviewer(reviewer, "dba", "finance", "maintainers"),
                    By.id("task-list"));
        }
    }

    private String path(Page page) {
        return switch (page) {
            case SIGN_IN -> "/inbox/sign-in";
            case INBOX -> "/inbox";
            case REQUEST_SQL -> "/inbox/requests/" + sql;
            case REQUEST_PATCH -> "/inbox/requests/" + patch;
            case REQUEST_DECISIONS -> "/inbox/requests/" + payment;
            case DECISIONS -> "/inbox/decisions";
            case NOT_FOUND -> "/inbox/requests/" + UUID.randomUUID();
            case AUDIT_SEARCH -> "/audit?agent=" + agent;
            case AUDIT_TRAIL -> "/audit/requests/" + payment;
        };
    }

    /** The content that makes the page worth measuring: without it, the page would pass for nothing. */
    private static By content(Page page) {
        return By.cssSelector(switch (page) {
            case SIGN_IN -> "a#oidc-sign-in";
            case INBOX -> "tr.task";
            case REQUEST_SQL -> "ol.statements li:nth-child(4)";
            case REQUEST_PATCH -> "#patch";
            case REQUEST_DECISIONS -> "#decisions li:nth-child(4)";
            case DECISIONS -> "tr.decision:nth-child(4)";
            case NOT_FOUND -> "main h1";
            case AUDIT_SEARCH -> "tr.event:nth-child(10)";
            case AUDIT_TRAIL -> "ol.trail li:nth-child(10)";
        });
    }

    private void check(Browser b, Page page, String device, int width, int height, boolean mobile, List<String> problems)
            throws IOException {
        b.viewport(width, height, mobile);
        b.open(path(page));
        b.waitFor(content(page));
        JavascriptExecutor js = (JavascriptExecutor) b.driver;
        b.screenshot(page.name + "-" + device, mobile ? 2 * height : height);
        // what a closed <details> holds must fit too
        js.executeScript("document.querySelectorAll('details').forEach(function (d) { d.open = true; });");
        js.executeScript(resource("/layout/layout-check.js"));
        JsonNode r = JsonSupport.MAPPER.readTree(String.valueOf(js.executeScript("return window.countersignLayoutCheck(arguments[0]);", width)));
        String at = device + " " + width + "x" + height + ": ";
        if (r.path("innerWidth").asInt() != width) {
            problems.add(at + "window.innerWidth is " + r.path("innerWidth").asInt() + " (viewport meta tag: "
                    + r.path("viewportMeta").asText() + ")");
        }
        int overflow = Math.max(r.path("scrollWidth").asInt(), r.path("innerWidth").asInt()) - width;
        if (overflow > 0 || r.path("scrollWidth").asInt() > r.path("innerWidth").asInt()) {
            problems.add(at + "the page is " + overflow + " px wider than the window (scrollWidth "
                    + r.path("scrollWidth").asInt() + "); sticking out: " + r.path("overflowing"));
        }
        if (!r.path("smallTargets").isEmpty()) {
            problems.add(at + "touch targets under 44x44 px: " + r.path("smallTargets"));
        }
        if (!r.path("smallText").isEmpty()) {
            problems.add(at + "text under 14 px: " + r.path("smallText"));
        }
        if (!r.path("smallControls").isEmpty()) {
            problems.add(at + "form controls under 16 px: " + r.path("smallControls"));
        }
        List<String> axe = b.seriousAccessibilityViolations();
        if (!axe.isEmpty()) {
            problems.add(at + "axe-core: " + axe);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PhoneLayoutBrowserTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
