package io.countersign.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Browser;
import io.countersign.testsupport.FakeReceiver.Received;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * In Chromium: the Slack account link page (signed in, confirmed, accessible, no console errors),
 * a reviewer e-mail's HTML part as a mail client shows it, and a Slack message's blocks in a small
 * local preview; the screenshots are the ones in docs/notifications.md.
 */
@QuarkusTest
@TestProfile(NotificationsProfile.class)
class NotificationBrowserTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    SlackLinks links;

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    NotificationFixture notices;

    @BeforeEach
    void chromium() {
        Assumptions.assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
    }

    @Test
    void theSlackLinkPageLinksTheAccountOfItsTokenToTheSignedInReviewer() throws Exception {
        String user = "lin-" + UUID.randomUUID().toString().substring(0, 8);
        String t = links.token(ChatFakes.SLACK_TEAM, "U0LIN0001", Instant.now());
        try (Browser b = new Browser(base.toString())) {
            b.signIn(Tokens.reviewer(user, "maintainers"));
            b.open("/inbox/slack/link?t=" + t);
            b.waitForText(By.tagName("main"), "asked to approve requests as you");
            assertThat(b.seriousAccessibilityViolations()).isEmpty();
            b.screenshot("slack-link-desktop", 700);
            b.driver.findElement(By.cssSelector("form[action='/inbox/slack/link'] button[type=submit]")).click();
            b.waitForText(By.tagName("main"), "is now linked to you");
            // errors and CSP reports of the pages (the browser's own favicon request is not one of them)
            assertThat(b.browserLog()).filteredOn(l -> !l.contains("/favicon.ico"))
                    .noneMatch(l -> l.startsWith("SEVERE") || l.contains("Content Security Policy"));
        }
    }

    @Test
    void screenshotsOfAnEmailAndASlackMessage() throws Exception {
        String agent = agents.register();
        String dee = "dee-" + UUID.randomUUID().toString().substring(0, 8);
        notices.person(dee, dee + "@example.com", "dba");
        String body = Payloads.submission("db.schema.change", "db://prod/orders", "production",
                "{\"database\":\"orders\",\"statements\":[\"ALTER TABLE orders ADD COLUMN note TEXT -- \\u202Eok\"]}")
                .replace("\"summary\":\"test summary\"", "\"summary\":\"Add a note column to orders\"");
        fixture.submit(agent, body);
        await().atMost(Duration.ofSeconds(30)).until(() -> !NotificationFixture.mailTo(dee + "@example.com").isEmpty());
        String html = NotificationFixture.parts(NotificationFixture.mailTo(dee + "@example.com").get(0)).get("html");
        Path page = Files.createDirectories(Path.of("target", "notify-preview")).resolve("email.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);

        String agent2 = agents.register();
        UUID push = fixture.submit(agent2, Payloads.codePush("main", "production").replace("\"summary\":\"test summary\"",
                "\"summary\":\"Release 4.2 of the API\""));
        await().atMost(Duration.ofSeconds(30)).until(() -> ChatFakes.receiver().received(ChatFakes.SLACK_POST).stream()
                .anyMatch(p -> p.body().contains(push.toString())));
        Received post = ChatFakes.receiver().received(ChatFakes.SLACK_POST).stream()
                .filter(p -> p.body().contains(push.toString())).findFirst().orElseThrow();
        Path slack = page.resolveSibling("slack.html");
        Files.writeString(slack, blockKitPreview(new ObjectMapper().readTree(post.body())), StandardCharsets.UTF_8);

        try (Browser b = new Browser(base.toString())) {
            b.driver.get(page.toUri().toString());
            b.waitForText(By.tagName("body"), "Review requested");
            assertThat(b.driver.findElements(By.cssSelector("mark.hidden-char"))).isNotEmpty();
            b.screenshot("notification-email", 1400);
            b.driver.get(slack.toUri().toString());
            b.waitForText(By.tagName("body"), "Approve");
            b.screenshot("notification-slack", 1000);
        }
    }

    /** A small local rendering of Block Kit (header, sections, fields, actions, context) for the docs' picture. */
    static String blockKitPreview(JsonNode message) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>"
                + "body{font-family:Lato,Helvetica,Arial,sans-serif;background:#fff;margin:24px;color:#1d1c1d}"
                + ".msg{max-width:720px;border-left:4px solid #e0e0e0;padding-left:12px}.h{font-size:18px;font-weight:900}"
                + ".f{display:grid;grid-template-columns:1fr 1fr;gap:6px 18px;margin:8px 0}.s{white-space:pre-wrap;margin:8px 0;"
                + "font-family:Monaco,Menlo,monospace;font-size:12px;background:#f8f8f8;border:1px solid #ddd;padding:8px}"
                + ".a button{margin-right:8px;padding:6px 12px;border:1px solid #bbb;border-radius:4px;background:#fff;"
                + "font-weight:700}.a button.primary{background:#007a5a;color:#fff;border-color:#007a5a}"
                + ".a button.danger{color:#e01e5a;border-color:#e01e5a}"
                + ".c{color:#616061;font-size:12px;margin-top:8px}.who{font-weight:900}</style></head><body>"
                + "<div class=\"who\">Countersign <span class=\"c\">APP</span></div><div class=\"msg\">");
        for (JsonNode b : message.path("blocks")) {
            switch (b.path("type").asText()) {
                case "header" -> sb.append("<div class=\"h\">").append(esc(b.path("text").path("text").asText())).append("</div>");
                case "section" -> {
                    if (b.has("fields")) {
                        sb.append("<div class=\"f\">");
                        b.path("fields").forEach(f -> sb.append("<div>").append(esc(f.path("text").asText())).append("</div>"));
                        sb.append("</div>");
                    } else {
                        sb.append("<div class=\"s\">").append(esc(b.path("text").path("text").asText())).append("</div>");
                    }
                }
                case "actions" -> {
                    sb.append("<div class=\"a\">");
                    b.path("elements").forEach(e -> sb.append("<button class=\"").append(esc(e.path("style").asText()))
                            .append("\">").append(esc(e.path("text").path("text").asText())).append("</button>"));
                    sb.append("</div>");
                }
                case "rich_text" -> b.path("elements").forEach(e -> {
                    StringBuilder text = new StringBuilder();
                    e.path("elements").forEach(t -> text.append(t.path("text").asText()));
                    sb.append("<div class=\"s\">").append(esc(text.toString())).append("</div>");
                });
                case "context" -> b.path("elements").forEach(e -> sb.append("<div class=\"c\">")
                        .append(esc(e.path("text").asText())).append("</div>"));
                default -> sb.append("<div class=\"c\">[").append(esc(b.path("type").asText())).append("]</div>");
            }
        }
        return sb.append("</div></body></html>").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
