package io.countersign.inbox;

import static io.countersign.review.ReviewFixture.reviewer;
import static io.countersign.testsupport.Ids.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The inbox pages show hidden, direction-changing and look-alike characters instead of letting them act. */
@QuarkusTest
class HiddenCharacterPagesTest {

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    /** Fails if {@code html} holds any bidi control or zero-width character as such. */
    static void assertNoRawHiddenCharacters(String html) {
        html.codePoints().forEach(cp -> assertFalse((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)
                || (cp >= 0x200B && cp <= 0x200F) || cp == 0x061C || cp == 0x2060 || cp == 0xFEFF
                || (cp >= 0xE0000 && cp <= 0xE007F), String.format("raw U+%04X in the page", cp)));
    }

    private String page(String rev, UUID id, String... groups) {
        fixture.awaitTask(reviewer(rev, groups), id);
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(rev, groups));
        String html = c.get("/inbox/requests/" + id).then().statusCode(200).extract().body().asString();
        assertNoRawHiddenCharacters(html);
        return html;
    }

    private static String section(String html, String id) {
        int at = html.indexOf("id=\"" + id + "\"");
        assertTrue(at >= 0, "no element " + id);
        return html.substring(at, html.indexOf("</pre>", at));
    }

    @Test
    void rightToLeftOverrideInAStatementIsShownMarkedInTheListTheRawJsonAndTheBanner() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "DELETE FROM accounts \u202E;-- 24 = di EREHW")
                .replace("test summary", "Clean up\u200B accounts"));
        String dora = unique("dora");
        String html = page(dora, id, "dba");
        assertTrue(html.contains("DELETE FROM accounts <mark class=\"hidden-char\""), html);
        assertTrue(html.contains("\u27E8U+202E\u27E9"), "marker of the override");
        assertTrue(section(html, "raw-json").contains("\u27E8U+202E\u27E9"), "raw JSON shows the override too");
        assertTrue(html.contains("id=\"hidden-characters\""), "banner");
        assertTrue(html.contains("2 hidden or direction-changing characters"), html);
        assertTrue(html.contains("Clean up<mark class=\"hidden-char\""), "summary marked");
        assertTrue(html.contains("class=\"statement destructive\""), "unreadable statement is never shown as safe");
        String list = InboxClient.signedIn(Tokens.reviewer(dora, "dba")).get("/inbox").body().asString();
        assertNoRawHiddenCharacters(list);
        assertTrue(list.contains("Clean up<mark class=\"hidden-char\""), "inbox row marks the summary");
    }

    @Test
    void lookAlikeLettersInABeneficiaryNameAreMarked() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.payment("48000.00", "production").replace("ACME GmbH", "ACM\u0415 GmbH"));
        String html = page(unique("fred"), id, "finance");
        assertTrue(html.contains("ACM<mark class=\"hidden-char"), html);
        assertTrue(html.contains("\u27E8U+0415\u27E9"), "Cyrillic capital IE is named");
        assertTrue(html.contains("1 look-alike character"), html);
    }

    @Test
    void markupNextToAHiddenCharacterStaysEscaped() {
        String evil = "<script>alert(1)</script>\u202E<img src=x onerror=alert(2)>";
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.submission("ops.restart", "svc:api", "production",
                "{\"note\":\"" + evil.replace("\"", "\\\"") + "\"}").replace("test summary", evil)
                .replace("test justification", evil));
        String html = page(unique("sam"), id, "security");
        assertFalse(html.contains("<script>alert"), "raw script tag");
        assertFalse(html.contains("<img src=x"), "raw img tag");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;<mark class=\"hidden-char\""), html);
        assertEquals(3 + 1, html.split("\u27E8U\\+202E\u27E9", -1).length - 1, "summary twice (title, heading), "
                + "justification, raw JSON");
    }

    /**
     * The request page's newer renderings (diff lines, patch lines, timeline comments) mark hidden
     * characters too; such a request goes to security review (rule hidden-characters).
     */
    @Test
    void hiddenCharactersAreMarkedInTheRevisionDiffThePatchLinesAndTheTimeline() {
        String agent = agents.register();
        String patch = "@@ -1 +1 @@\\n-x = 1\\n+x = 2 \u202E// ok\\n";
        UUID id = fixture.submit(agent, Payloads.submission("code.push", "github.com/acme/api", "production",
                "{\"repository\":\"github.com/acme/api\",\"branch\":\"main\",\"commitSha\":\"" + "a".repeat(40)
                        + "\",\"diffStat\":{\"filesChanged\":1,\"insertions\":1,\"deletions\":1},\"patch\":\"" + patch
                        + "\"}"));
        String sam = unique("sam");
        String first = page(sam, id, "security");
        assertTrue(first.contains("<span class=\"patch-line patch-add\">+x = 2 <mark class=\"hidden-char\""), first);
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(sam, "security"));
        c.decide(id, c.get("/inbox/requests/" + id), "request-changes", "Why\u200B the override?")
                .then().statusCode(303);
        fixture.awaitStatus(agent, id, "CHANGES_REQUESTED");
        io.restassured.RestAssured.given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .body("{\"summary\":\"test summary\",\"justification\":\"test justification\",\"payload\":"
                        + "{\"repository\":\"github.com/acme/api\",\"branch\":\"main\",\"commitSha\":\"" + "b".repeat(40)
                        + "\",\"diffStat\":{\"filesChanged\":1,\"insertions\":1,\"deletions\":1},\"patch\":\""
                        + patch.replace("// ok", "// still \u2066here") + "\"}}")
                .when().post("/api/v1/actions/" + id + "/revisions").then().statusCode(200);
        String html = page(sam, id, "security");
        int diff = html.indexOf("id=\"revision-diff\"");
        assertTrue(diff >= 0, html);
        String table = html.substring(diff, html.indexOf("</table>", diff));
        assertTrue(table.contains("\u27E8U+2066\u27E9"), "added line names the isolate: " + table);
        assertTrue(table.contains("\u27E8U+202E\u27E9"), "removed line names the override: " + table);
        assertTrue(html.contains("Why<mark class=\"hidden-char\""), "the timeline marks the comment");
    }
}
