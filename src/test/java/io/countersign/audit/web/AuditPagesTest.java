package io.countersign.audit.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.audit.ActorKind;
import io.countersign.audit.AuditTrail;
import io.countersign.inbox.InboxClient;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditPagesTest {

    @Inject
    AuditTrail trail;

    /** Records one event in its own transaction and waits until it is chained; returns its seq. */
    long record(ActorKind kind, String actor, UUID request, String type, Map<String, ?> data) {
        long id = QuarkusTransaction.requiringNew().call(() -> trail.record(kind, actor, request, type, data));
        return trail.awaitSequence(id, Duration.ofSeconds(30));
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The href of the page's export link of {@code format} (jsonl or csv), unescaped. */
    static String exportLink(String page, String format) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("class=\"export-" + format + "\" href=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), "export link " + format);
        return m.group(1).replace("&amp;", "&");
    }

    static InboxClient auditor() {
        return InboxClient.signedIn(Tokens.auditor());
    }

    @Test
    void auditorSignsInThroughTheInboxAndLandsOnTheAuditPagesAndTheInboxSaysWhyNot() {
        InboxClient c = new InboxClient();
        c.get("/inbox/sign-in");
        Response r = c.post("/inbox/sign-in", Map.of("token", Tokens.auditor()));
        assertEquals(303, r.statusCode());
        assertTrue(r.header("Location").endsWith("/audit"), r.header("Location"));
        String setCookie = r.headers().getValues("Set-Cookie").stream()
                .filter(h -> h.startsWith("countersign_session=")).findFirst().orElseThrow();
        assertTrue(setCookie.contains("Path=/;"), setCookie);
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.toLowerCase().contains("samesite=strict"), setCookie);
        Response page = c.get("/audit");
        page.then().statusCode(200).body(containsString("Decision trail")).body(containsString("Verify now"));
        assertTrue(page.header("Content-Security-Policy").contains("script-src 'self'"));
        assertFalse(page.header("Content-Security-Policy").contains("unsafe-inline"));
        // the auditor's session is not a reviewer session: the inbox sends it to sign-in (a reviewer at
        // /audit, by contrast, gets a 403 page that says why: InboxPagesTest)
        c.get("/inbox").then().statusCode(303);
    }

    @Test
    void otherRolesAndAnonymousUsersDoNotSeeTheAuditPages() {
        given().redirects().follow(false).when().get("/audit").then().statusCode(303)
                .header("Location", containsString("/inbox/sign-in"));
        given().redirects().follow(false).cookie("countersign_session", "not-a-jwt")
                .when().get("/audit/requests/" + UUID.randomUUID()).then().statusCode(303);
        for (String token : new String[] { Tokens.reviewer(unique("rob"), "dba"), Tokens.agent(unique("agent")),
                Tokens.admin() }) {
            given().redirects().follow(false).cookie("countersign_session", token).when().get("/audit")
                    .then().statusCode(403).body(not(containsString("Decision trail")));
            given().redirects().follow(false).cookie("countersign_session", token)
                    .when().get("/audit/export?format=jsonl").then().statusCode(403);
        }
        // a reviewer signed in through the inbox cannot use that session on the audit pages either
        InboxClient reviewer = InboxClient.signedIn(Tokens.reviewer(unique("rita"), "dba"));
        reviewer.get("/audit").then().statusCode(403);
    }

    @Test
    void filtersNarrowTheSearchAndResultsAreNewestFirst() {
        String agent = unique("agent");
        String other = unique("agent");
        UUID req = UUID.randomUUID();
        long s1 = record(ActorKind.AGENT, agent, req, "request.submitted", Map.of("summary", "first"));
        long s2 = record(ActorKind.USER, "vera", req, "review.decided", Map.of("decision", "approve"));
        long s3 = record(ActorKind.AGENT, other, UUID.randomUUID(), "request.submitted", Map.of("summary", "other"));
        InboxClient c = auditor();

        String byRequest = c.get("/audit?request=" + req).then().statusCode(200).extract().asString();
        assertTrue(byRequest.contains("data-seq=\"" + s1 + "\""));
        assertTrue(byRequest.contains("data-seq=\"" + s2 + "\""));
        assertFalse(byRequest.contains("data-seq=\"" + s3 + "\""));
        assertTrue(byRequest.indexOf("data-seq=\"" + s2 + "\"") < byRequest.indexOf("data-seq=\"" + s1 + "\""),
                "newest first");

        String byActor = c.get("/audit?request=" + req + "&actor=vera").asString();
        assertTrue(byActor.contains("data-seq=\"" + s2 + "\""));
        assertFalse(byActor.contains("data-seq=\"" + s1 + "\""));

        String byTypeAndAgent = c.get("/audit?type=request.submitted&agent=" + other).asString();
        assertTrue(byTypeAndAgent.contains("data-seq=\"" + s3 + "\""));
        assertFalse(byTypeAndAgent.contains("data-seq=\"" + s1 + "\""));

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        assertTrue(c.get("/audit?request=" + req + "&from=" + today + "&to=" + today).asString()
                .contains("data-seq=\"" + s1 + "\""));
        assertFalse(c.get("/audit?request=" + req + "&from=" + tomorrow).asString().contains("data-seq=\"" + s1 + "\""));

        c.get("/audit?request=not-a-uuid").then().statusCode(400).body(containsString("Request ID must be a UUID"));
        c.get("/audit?from=yesterday").then().statusCode(400).body(containsString("From must be a date"));
    }

    @Test
    void pagesThroughOlderEventsWithAKeysetLink() {
        String agent = unique("agent");
        int n = AuditPages.PAGE_SIZE + 2;
        long[] seqs = new long[n];
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            ids[i] = QuarkusTransaction.requiringNew().call(() -> trail.record(ActorKind.AGENT, agent, null,
                    "request.submitted", Map.of("n", k)));
        }
        for (int i = 0; i < n; i++) {
            seqs[i] = trail.awaitSequence(ids[i], Duration.ofSeconds(30));
        }
        InboxClient c = auditor();
        String first = c.get("/audit?agent=" + agent).asString();
        assertTrue(first.contains("data-seq=\"" + seqs[n - 1] + "\""));
        assertFalse(first.contains("data-seq=\"" + seqs[0] + "\""));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("href=\"/audit(\\?[^\"]*before=\\d+)\"").matcher(first);
        assertTrue(m.find(), "next-page link");
        String second = c.get("/audit" + m.group(1).replace("&amp;", "&")).asString();
        assertTrue(second.contains("data-seq=\"" + seqs[0] + "\""));
        assertTrue(second.contains("data-seq=\"" + seqs[1] + "\""));
        assertFalse(second.contains("data-seq=\"" + seqs[n - 1] + "\""));
    }

    @Test
    void eachEventOnTheRequestTrailFoldsItsDataIntoAKeyValueList() {
        UUID req = UUID.randomUUID();
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("reason", "Approved by alice & <bob>");
        data.put("approvals", 2);
        data.put("approvers", List.of("alice", "bob"));
        long seq = record(ActorKind.USER, unique("alice"), req, "action.approved", data);
        String trail = auditor().get("/audit/requests/" + req).then().statusCode(200).extract().asString();
        int at = trail.indexOf("data-seq=\"" + seq + "\"");
        String event = trail.substring(at, trail.indexOf("</li>", at));
        assertTrue(event.contains("<details>") && event.contains("<summary><strong>action.approved</strong>"), event);
        assertTrue(event.contains("<dt>reason</dt><dd><span class=\"prewrap\">Approved by alice &amp; &lt;bob&gt;</span></dd>"),
                event);
        assertTrue(event.contains("<dt>approvals</dt><dd><span class=\"prewrap\">2</span></dd>"), event);
        assertTrue(event.contains("<dt>approvers</dt><dd><pre class=\"prewrap\">[ &quot;alice&quot;, &quot;bob&quot; ]</pre>"),
                event);
        assertTrue(event.contains("<summary>Data as recorded (JSON)</summary>"), "the recorded JSON stays readable");
        assertFalse(trail.contains("<table"), "no table on the trail page");
    }

    @Test
    void eventDataIsPrettyPrintedAndEscapedOnTheRequestTrail() {
        UUID req = UUID.randomUUID();
        long seq = record(ActorKind.AGENT, unique("agent"), req, "request.submitted",
                Map.of("summary", "<script>alert('x')</script> & \"more\""));
        InboxClient c = auditor();
        String trail = c.get("/audit/requests/" + req).then().statusCode(200).extract().asString();
        assertFalse(trail.contains("<script>alert"), "raw script tag must not reach the page");
        assertTrue(trail.contains("&lt;script&gt;alert("), trail);
        assertTrue(trail.contains("data-seq=\"" + seq + "\""));
        assertTrue(trail.contains("request.submitted"));
        assertTrue(trail.matches("(?s).*<code>[0-9a-f]{64}</code>.*"), "event hash shown");
        assertTrue(trail.contains("&quot;summary&quot; : "), "pretty-printed JSON, quotes escaped");
        String search = c.get("/audit?request=" + req).asString();
        assertFalse(search.contains("<script>alert"));
        assertTrue(search.contains("&lt;script&gt;alert("));

        c.get("/audit/requests/" + UUID.randomUUID()).then().statusCode(404).body(containsString("No audit events"));
        c.get("/audit/requests/nope").then().statusCode(400);
    }

    @Test
    void verifyNowNeedsTheCsrfTokenAndShowsTheResult() {
        record(ActorKind.AGENT, unique("agent"), null, "request.submitted", Map.of("n", 1));
        InboxClient c = auditor();
        c.get("/audit").then().statusCode(200);
        c.postWithoutCsrf("/audit/verify", Map.of()).then().statusCode(403);
        c.postWithoutCsrf("/audit/verify", Map.of("_csrf", "x".repeat(43))).then().statusCode(403);
        Response r = c.post("/audit/verify", Map.of());
        assertEquals(303, r.statusCode());
        String page = c.get(r.header("Location").replaceFirst("^https?://[^/]+", "")).then().statusCode(200)
                .extract().asString();
        assertTrue(page.contains("Verification finished"));
        assertTrue(page.contains("class=\"verify-ok\">OK"), page);
        assertTrue(page.contains("by <strong>audrey-auditor</strong>"), "who verified");
        assertTrue(page.contains("id=\"checkpoint\">tree size"), "latest checkpoint shown");
    }

    @Test
    void exportLinksStreamJsonlAndCsvWithTheCurrentFilters() {
        String agent = unique("agent");
        record(ActorKind.AGENT, agent, UUID.randomUUID(), "request.submitted", Map.of("summary", "exported"));
        InboxClient c = auditor();
        String page = c.get("/audit?agent=" + agent + "&type=request.submitted").asString();
        String jsonlUrl = exportLink(page, "jsonl");
        assertTrue(jsonlUrl.contains("agent=" + agent) && jsonlUrl.contains("type=request.submitted"), jsonlUrl);

        Response jsonl = c.get(jsonlUrl);
        jsonl.then().statusCode(200).contentType(containsString("application/x-ndjson"))
                .header("Content-Disposition", containsString("attachment"));
        String body = jsonl.asString();
        assertTrue(body.contains(agent), "the filtered agent's event is exported");
        assertTrue(body.contains(io.countersign.audit.AuditExporter.FORMAT), "export header line");

        Response csv = c.get(exportLink(page, "csv"));
        csv.then().statusCode(200).contentType(containsString("text/csv"));
        assertTrue(csv.asString().contains(agent));

        c.get("/audit/export?format=xml").then().statusCode(400).contentType(containsString("problem+json"));
    }
    @Test
    void exportLinksCarryTheRequestAndActorFiltersAndExportOnlyThoseEvents() {
        UUID request = UUID.randomUUID();
        String agent = unique("agent");
        long submitted = record(ActorKind.AGENT, agent, request, "request.submitted", Map.of("summary", "mine"));
        long approved = record(ActorKind.USER, "vera", request, "request.approved", Map.of("agentId", agent));
        long elsewhere = record(ActorKind.AGENT, agent, UUID.randomUUID(), "request.submitted", Map.of("summary", "other"));
        InboxClient c = auditor();
        String page = c.get("/audit?request=" + request + "&actor=vera").asString();
        String jsonlUrl = exportLink(page, "jsonl");
        assertTrue(jsonlUrl.contains("request=" + request) && jsonlUrl.contains("actor=vera"), jsonlUrl);
        String csvUrl = exportLink(page, "csv");
        assertTrue(csvUrl.contains("request=" + request) && csvUrl.contains("actor=vera"), csvUrl);

        String body = c.get(jsonlUrl).then().statusCode(200).extract().asString();
        assertTrue(body.contains("\"seq\":" + approved + ","), body);
        assertFalse(body.contains("\"seq\":" + submitted + ","), "the agent's event is not by actor vera");
        assertFalse(body.contains("\"seq\":" + elsewhere + ","), "another request's event");
        assertTrue(body.lines().findFirst().orElseThrow().contains("\"filtered\":true"), "the header marks the slice filtered");

        String byRequest = c.get("/audit/export?format=jsonl&request=" + request).asString();
        assertTrue(byRequest.contains("\"seq\":" + submitted + ",") && byRequest.contains("\"seq\":" + approved + ","));
        assertFalse(byRequest.contains("\"seq\":" + elsewhere + ","));

        c.get("/audit/export?format=jsonl&request=not-a-uuid").then().statusCode(400)
                .contentType(containsString("problem+json")).body(containsString("parameter request"));
    }

    @Test
    void aUserWithBothRolesGetsTheInboxAndTheAuditPages() {
        InboxClient c = new InboxClient();
        c.get("/inbox/sign-in");
        Response r = c.post("/inbox/sign-in", Map.of("token", Tokens.token(unique("ada"), "reviewer", "auditor", "dba")));
        assertEquals(303, r.statusCode());
        assertTrue(r.header("Location").endsWith("/inbox"));
        assertEquals(1, r.headers().getValues("Set-Cookie").stream()
                .filter(h -> h.startsWith("countersign_session=") && h.contains("Path=/;")).count());
        c.get("/audit").then().statusCode(200).body(containsString("Decision trail"));
    }

    @Test
    void signOutNeedsTheCsrfTokenAndClearsTheAuditSession() {
        InboxClient c = auditor();
        c.get("/audit").then().statusCode(200).body(containsString("action=\"/audit/sign-out\""));
        c.postWithoutCsrf("/audit/sign-out", Map.of()).then().statusCode(403);
        Response r = c.post("/audit/sign-out", Map.of());
        assertEquals(303, r.statusCode());
        assertTrue(r.headers().getValues("Set-Cookie").stream()
                .anyMatch(h -> h.startsWith("countersign_session=;") || h.startsWith("countersign_session=\"\"")
                        || h.contains("Max-Age=0")), r.headers().toString());
        c.get("/audit").then().statusCode(303);
    }

    @Test
    void verifyNowRefusesAFormFromAnotherOrigin() {
        InboxClient c = auditor();
        c.get("/audit").then().statusCode(200);
        String token = c.csrf();
        given().redirects().follow(false).cookies(c.cookies()).header("Origin", "https://evil.example")
                .contentType("application/x-www-form-urlencoded").formParam("_csrf", token)
                .when().post("/audit/verify").then().statusCode(403).body(containsString("cross-origin-form"));
    }
}
