package io.countersign.inbox;

import static io.countersign.review.ReviewFixture.reviewer;
import static io.countersign.testsupport.Ids.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a reviewer reads on the request page: the process (its JSON for the diagram and the list
 * that works without JavaScript), what changed since the previous revision, the patch, amounts
 * for the reader's language, and the timeline in words.
 */
@QuarkusTest
class RequestReadingPagesTest {

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    private static String section(String html, String id, String end) {
        int at = html.indexOf("id=\"" + id + "\"");
        assertTrue(at >= 0, "no element " + id + " in " + html);
        return html.substring(at, html.indexOf(end, at));
    }

    @Test
    void processOfARequestIsShownToTheReviewersWhoMaySeeItAndToNobodyElse() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "ALTER TABLE orders ADD COLUMN note TEXT"));
        String dora = unique("dora");
        fixture.awaitTask(reviewer(dora, "dba"), id);
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(dora, "dba"));

        Response process = c.get("/inbox/requests/" + id + "/process");
        process.then().statusCode(200).contentType(ContentType.JSON).header("Cache-Control", "no-store");
        assertTrue(process.jsonPath().getString("bpmnXml").contains("id=\"review-task\""));
        List<Map<String, Object>> steps = process.jsonPath().getList("steps");
        assertEquals("request-submitted", steps.get(0).get("elementId"));
        assertEquals("completed", steps.get(0).get("state"));
        assertTrue(steps.stream().anyMatch(s -> "review-task".equals(s.get("elementId")) && "active".equals(s.get("state"))
                && "Review action request".equals(s.get("name"))), steps.toString());

        String steps1 = section(c.get("/inbox/requests/" + id).body().asString(), "process-steps", "</ol>");
        assertTrue(steps1.contains("<strong>Request needs review</strong> — done"), steps1);
        assertTrue(steps1.contains("data-element=\"review-task\"><strong>Review action request</strong> — in progress"),
                steps1);

        InboxClient fred = InboxClient.signedIn(Tokens.reviewer(unique("fred"), "finance"));
        Response refused = fred.get("/inbox/requests/" + id + "/process");
        assertEquals(404, refused.statusCode());
        assertFalse(refused.body().asString().contains("review-task"), "nothing of the process leaks");
        fred.get("/inbox/requests/not-a-uuid/process").then().statusCode(404);
        given().redirects().follow(false).when().get("/inbox/requests/" + id + "/process").then().statusCode(303);
        given().redirects().follow(false).auth().oauth2(Tokens.agent(agent)).when()
                .get("/inbox/requests/" + id + "/process").then().statusCode(303);
    }

    @Test
    void aRevisedRequestShowsWhatChangedAndTheTimelineSaysWhoDidWhat() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.payment("25000.00", "production"));
        String fred = unique("fred");
        InboxClient f = InboxClient.signedIn(Tokens.reviewer(fred, "finance"));
        fixture.awaitTask(reviewer(fred, "finance"), id);
        String first = f.get("/inbox/requests/" + id).body().asString();
        assertFalse(first.contains("id=\"diff-heading\""), "an unrevised request has no diff");
        f.decide(id, f.get("/inbox/requests/" + id), "request-changes", "Use the new IBAN").then().statusCode(303);
        fixture.awaitStatus(agent, id, "CHANGES_REQUESTED");
        given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON)
                .body("{\"summary\":\"Pay invoice (new IBAN)\",\"justification\":\"test justification\",\"payload\":"
                        + "{\"amount\":\"25000.00\",\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACME GmbH\","
                        + "\"iban\":\"GB82WEST12345698765432\"},\"reference\":\"INV-1\"}}")
                .when().post("/api/v1/actions/" + id + "/revisions").then().statusCode(200);
        fixture.awaitTask(reviewer(fred, "finance"), id);

        String html = f.get("/inbox/requests/" + id).body().asString();
        assertTrue(html.contains("Changes since revision 0"), html);
        assertTrue(html.contains("2 lines added, 2 lines removed"), html);
        String diff = section(html, "revision-diff", "</table>");
        assertTrue(diff.contains("<tr class=\"diff-removed\">") && diff.contains("DE89370400440532013000"), diff);
        assertTrue(diff.contains("<tr class=\"diff-added\">") && diff.contains("GB82WEST12345698765432"), diff);
        assertTrue(diff.contains("<th scope=\"row\" class=\"diff-label\">IBAN</th>"), diff);
        assertTrue(diff.contains("<tr class=\"diff-same\">"), "unchanged fields give context");

        String timeline = section(html, "timeline", "</ol>");
        assertTrue(timeline.contains("Sent to finance review"), timeline);
        assertTrue(timeline.contains("Changes requested by " + fred + ": <span class=\"prewrap\">Use the new IBAN</span>"),
                timeline);
        assertTrue(timeline.contains("The agent submitted a revision"), timeline);
        assertTrue(timeline.contains("Sent to finance review (revision 1)"), timeline);
        assertFalse(timeline.contains("review.started:") || timeline.contains("— task.created"),
                "no raw event types: " + timeline);
        assertTrue(timeline.contains("data-kind=\"decision.request-changes\""), "the raw type stays in the markup");
    }

    @Test
    void amountsAreGroupedForTheReadersLanguageAndTheExactStringStays() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.payment("12500.00", "production"));
        String fred = unique("fred");
        fixture.awaitTask(reviewer(fred, "finance"), id);
        InboxClient f = InboxClient.signedIn(Tokens.reviewer(fred, "finance"));
        f.get("/inbox/requests/" + id).then().statusCode(200)
                .body(containsString("<span class=\"amount-grouped\" id=\"amount-grouped\">12,500.00 EUR</span>"))
                .body(containsString("<code id=\"amount-exact\">12500.00 EUR</code>"));
        given().cookies(f.cookies()).header("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
                .when().get("/inbox/requests/" + id).then().statusCode(200)
                .body(containsString("id=\"amount-grouped\">12.500,00 EUR</span>"))
                .body(containsString("<code id=\"amount-exact\">12500.00 EUR</code>"));
    }

    @Test
    void aLongPatchIsColouredByLineAndFoldsTheRest() {
        StringBuilder patch = new StringBuilder("diff --git a/app.py b/app.py\\n@@ -1,3 +1,72 @@\\n context\\n-old = 1\\n");
        for (int i = 0; i < 70; i++) {
            patch.append("+line_").append(i).append(" = ").append(i).append("\\n");
        }
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.submission("code.push", "github.com/acme/api", "production",
                "{\"repository\":\"github.com/acme/api\",\"branch\":\"main\",\"commitSha\":\"" + "c".repeat(40)
                        + "\",\"diffStat\":{\"filesChanged\":1,\"insertions\":70,\"deletions\":1},\"patch\":\"" + patch
                        + "\"}"));
        String maya = unique("maya");
        fixture.awaitTask(reviewer(maya, "maintainers"), id);
        String html = InboxClient.signedIn(Tokens.reviewer(maya, "maintainers")).get("/inbox/requests/" + id).body()
                .asString();
        String shown = section(html, "patch", "</pre>");
        assertTrue(shown.contains("<span class=\"patch-line patch-meta\">diff --git a/app.py b/app.py</span>"), shown);
        assertTrue(shown.contains("<span class=\"patch-line patch-hunk\">@@ -1,3 +1,72 @@</span>"), shown);
        assertTrue(shown.contains("<span class=\"patch-line patch-del\">-old = 1</span>"), shown);
        assertTrue(shown.contains("<span class=\"patch-line patch-add\">+line_0 = 0</span>"), shown);
        assertFalse(shown.contains("+line_69"), "the end is folded");
        String folded = section(html, "patch-more", "</details>");
        assertTrue(folded.contains("<summary>34 more lines</summary>"), folded);
        assertTrue(folded.contains("+line_69 = 69"), "every line is still on the page");
        assertFalse(html.contains("style=\""), "no inline styles (CSP)");
    }

    @Test
    void aRequestInReviewHasNoRevisionDiffAndTheProcessListNeedsNoScript() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.codePush("main", "production"));
        String maya = unique("maya");
        fixture.awaitTask(reviewer(maya, "maintainers"), id);
        InboxClient.signedIn(Tokens.reviewer(maya, "maintainers")).get("/inbox/requests/" + id).then().statusCode(200)
                .body(not(containsString("id=\"revision-diff\"")))
                .body(containsString("<figure class=\"process-diagram\" id=\"process-diagram\" data-source=\"/inbox/requests/"
                        + id + "/process\">"))
                .body(containsString("<script src=\"/inbox/assets/process-diagram.js\" defer></script>"))
                .body(not(containsString("<script>")));
    }
}
