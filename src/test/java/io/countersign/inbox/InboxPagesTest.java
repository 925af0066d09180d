package io.countersign.inbox;

import static io.countersign.inbox.InboxClient.field;
import static io.countersign.review.ReviewFixture.reviewer;
import static io.countersign.testsupport.Ids.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** HTTP-level tests of the inbox pages, decisions and their refusals. */
@QuarkusTest
class InboxPagesTest {

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    EntityManager em;

    private UUID schemaChange(String agent) {
        return fixture.submit(agent, Payloads.schemaChange("production", "ALTER TABLE orders ADD COLUMN note TEXT"));
    }

    private Response openRequest(InboxClient c, String reviewerId, UUID id, String... groups) {
        fixture.awaitTask(reviewer(reviewerId, groups), id);
        return c.get("/inbox/requests/" + id);
    }

    @Test
    void signInSetsHttpOnlySameSiteStrictSessionCookie() {
        InboxClient c = new InboxClient();
        c.get("/inbox/sign-in");
        Response r = c.post("/inbox/sign-in", Map.of("token", Tokens.reviewer(unique("dora"), "dba")));
        assertEquals(303, r.statusCode());
        assertTrue(r.header("Location").endsWith("/inbox"));
        String setCookie = r.headers().getValues("Set-Cookie").stream()
                .filter(h -> h.startsWith("countersign_session=")).findFirst().orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.toLowerCase().contains("samesite=strict"), setCookie);
        assertTrue(setCookie.contains("Path=/;"), setCookie);
        c.get("/inbox").then().statusCode(200).body(containsString("Inbox"));
        // one session for all pages: a reviewer at the auditor pages is told why not (a 403 page),
        // not sent to sign in again
        Response audit = c.get("/audit");
        assertEquals(403, audit.statusCode());
        assertTrue(audit.contentType().startsWith("text/html"), audit.contentType());
        assertEquals("auditor-role-required", audit.header("Countersign-Refusal"));
        assertTrue(audit.body().asString().contains("href=\"/inbox\""), audit.body().asString());
    }

    @Test
    void pagesRedirectToSignInWithoutAValidSession() {
        given().redirects().follow(false).when().get("/inbox").then().statusCode(303)
                .header("Location", containsString("/inbox/sign-in"));
        given().redirects().follow(false).cookie("countersign_session", "not-a-jwt").when().get("/inbox/decisions")
                .then().statusCode(303);
        given().redirects().follow(false).cookie("countersign_session", Tokens.agent("some-agent"))
                .when().get("/inbox").then().statusCode(303);
    }

    @Test
    void signInRefusesInvalidTokensAndNonReviewers() {
        InboxClient c = new InboxClient();
        c.signIn("eyJhbGciOiJub25lIn0.e30.").then().statusCode(401).body(containsString("not valid"));
        c.signIn(Tokens.agent("an-agent")).then().statusCode(403).body(containsString("no reviewer role"));
        assertFalse(c.cookies().containsKey("countersign_session"));
    }

    @Test
    void apiBearerTokensAreUnaffectedByTheInboxCookie() {
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(unique("dora"), "dba"));
        // the reviewer's cookie is scoped to /inbox and never authenticates API calls
        given().cookies(c.cookies()).when().get("/api/v1/actions").then().statusCode(401);
        String agent = agents.register();
        given().auth().oauth2(Tokens.agent(agent)).cookies(c.cookies()).when().get("/api/v1/actions")
                .then().statusCode(200);
    }

    @Test
    void pagesCarrySecurityHeaders() {
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(unique("dora"), "dba"));
        for (String path : new String[] {"/inbox", "/inbox/decisions", "/inbox/sign-in", "/inbox/assets/inbox.js"}) {
            Response r = c.get(path);
            assertEquals(200, r.statusCode(), path);
            String csp = r.header("Content-Security-Policy");
            assertNotNull(csp, path);
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), csp);
            assertEquals("same-origin", r.header("Referrer-Policy"));
            assertEquals("nosniff", r.header("X-Content-Type-Options"));
        }
    }

    @Test
    void approvalThroughTheFormReleasesTheAgentsLongPoll() throws Exception {
        String agent = agents.register();
        UUID id = schemaChange(agent);
        String dora = unique("dora");
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(dora, "dba"));
        fixture.awaitTask(reviewer(dora, "dba"), id);
        c.get("/inbox").then().statusCode(200).body(containsString("/inbox/requests/" + id));
        Response page = c.get("/inbox/requests/" + id);
        page.then().statusCode(200).body(containsString("id=\"approve\""));
        var poll = java.util.concurrent.CompletableFuture.supplyAsync(() -> given().auth().oauth2(Tokens.agent(agent))
                .when().get("/api/v1/actions/" + id + "?wait=30s").then().statusCode(200).extract().path("status"));
        Response done = c.decide(id, page, "approve", "Checked the migration");
        done.then().statusCode(303).header("Location", containsString("notice=approved"));
        assertEquals("APPROVED", poll.get(40, java.util.concurrent.TimeUnit.SECONDS));
        c.get(done.header("Location")).then().statusCode(200).body(containsString("Checked the migration"))
                .body(containsString("Your approval is recorded"));
        c.get("/inbox/decisions").then().statusCode(200).body(containsString("Checked the migration"))
                .body(containsString("/inbox/requests/" + id));
    }

    @Test
    void rejectNeedsACommentAndEndsTheRequestRejected() {
        String agent = agents.register();
        UUID id = schemaChange(agent);
        String dora = unique("dora");
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(dora, "dba"));
        Response page = openRequest(c, dora, id, "dba");
        c.decide(id, page, "reject", "  ").then().statusCode(400).body(containsString("comment"));
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
        c.decide(id, page, "reject", "Not during business hours").then().statusCode(303);
        fixture.awaitStatus(agent, id, "REJECTED");
    }

    @Test
    void formsWithoutTheCsrfTokenAreRefusedAndChangeNothing() {
        String agent = agents.register();
        UUID id = schemaChange(agent);
        String dora = unique("dora");
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(dora, "dba"));
        Response page = openRequest(c, dora, id, "dba");
        c.postWithoutCsrf("/inbox/requests/" + id + "/decision", Map.of("taskKey", field(page, "taskKey"),
                "digest", field(page, "digest"), "decision", "approve", "comment", "x")).then().statusCode(403);
        c.postWithoutCsrf("/inbox/requests/" + id + "/decision", Map.of("_csrf", "A".repeat(43),
                "taskKey", field(page, "taskKey"), "digest", field(page, "digest"), "decision", "approve"))
                .then().statusCode(403);
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
        // a GET never changes anything, even with decision parameters
        c.get("/inbox/requests/" + id + "/decision?decision=approve").then().statusCode(405);
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
    }

    @Test
    void decisionIsRefusedWhenThePayloadChangedSinceItWasShown() {
        String agent = agents.register();
        UUID id = schemaChange(agent);
        String dora = unique("dora");
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(dora, "dba"));
        Response page = openRequest(c, dora, id, "dba");
        c.post("/inbox/requests/" + id + "/decision", Map.of("taskKey", field(page, "taskKey"),
                "digest", "0".repeat(64), "decision", "approve", "comment", "")).then().statusCode(409)
                .body(containsString("changed since you opened it"));
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
    }

    @Test
    void reviewerOfAnotherGroupGets404() {
        String agent = agents.register();
        UUID id = schemaChange(agent);
        fixture.awaitTask(reviewer("any-dba", "dba"), id);
        InboxClient fred = InboxClient.signedIn(Tokens.reviewer(unique("fred"), "finance"));
        fred.get("/inbox/requests/" + id).then().statusCode(404);
        fred.get("/inbox").then().statusCode(200).body(org.hamcrest.Matchers.not(containsString(id.toString())));
        Response dba = InboxClient.signedIn(Tokens.reviewer(unique("dora"), "dba")).get("/inbox/requests/" + id);
        fred.post("/inbox/requests/" + id + "/decision", Map.of("taskKey", field(dba, "taskKey"),
                "digest", field(dba, "digest"), "decision", "approve")).then().statusCode(404);
        fred.get("/inbox/requests/not-a-uuid").then().statusCode(404);
    }

    @Test
    void agentOwnerSeesNoApproveButtonAndIsRefusedByTheServer() {
        String agent = agents.register();
        UUID id = schemaChange(agent);
        String owner = "owner-" + agent;
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(owner, "dba"));
        Response page = openRequest(c, owner, id, "dba");
        page.then().statusCode(200).body(org.hamcrest.Matchers.not(containsString("id=\"approve\"")))
                .body(containsString("cannot approve"));
        c.decide(id, page, "approve", "").then().statusCode(403).body(containsString("can never approve"));
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
    }

    @Test
    void twoApprovalsNeedTwoDistinctPeople() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.payment("25000.00", "production"));
        String fred = unique("fred");
        String fiona = unique("fiona");
        InboxClient f1 = InboxClient.signedIn(Tokens.reviewer(fred, "finance"));
        Response page = openRequest(f1, fred, id, "finance");
        page.then().body(containsString("0 of 2"));
        f1.decide(id, page, "approve", "first").then().statusCode(303);
        // the second step opens; fred may not count twice
        await(() -> {
            String html = f1.get("/inbox/requests/" + id).body().asString();
            return html.contains("1 of 2") && html.contains("already approved");
        });
        Response again = f1.get("/inbox/requests/" + id);
        again.then().body(org.hamcrest.Matchers.not(containsString("id=\"approve\"")))
                .body(containsString("already approved"));
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
        InboxClient f2 = InboxClient.signedIn(Tokens.reviewer(fiona, "finance"));
        Response second = openRequest(f2, fiona, id, "finance");
        // fred replays the second task's form: refused, same person never counts twice
        f1.post("/inbox/requests/" + id + "/decision", Map.of("taskKey", field(second, "taskKey"),
                "digest", field(second, "digest"), "decision", "approve", "comment", "again"))
                .then().statusCode(403).body(containsString("different person"));
        f2.decide(id, second, "approve", "second").then().statusCode(303);
        fixture.awaitStatus(agent, id, "APPROVED");
    }

    @Test
    void firstApproverMayStillRejectAtStepTwoButNeverApproveAgain() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.payment("26000.00", "production"));
        String fred = unique("fred");
        InboxClient f1 = InboxClient.signedIn(Tokens.reviewer(fred, "finance"));
        f1.decide(id, openRequest(f1, fred, id, "finance"), "approve", "first").then().statusCode(303);
        await(() -> f1.get("/inbox/requests/" + id).body().asString().contains("already approved"));
        Response stepTwo = f1.get("/inbox/requests/" + id);
        // no approve button, but reject and request changes stay available (documented in docs/inbox.md)
        stepTwo.then().statusCode(200).body(org.hamcrest.Matchers.not(containsString("id=\"approve\"")))
                .body(containsString("id=\"reject\"")).body(containsString("id=\"request-changes\""))
                .body(containsString("can still reject or request changes"));
        f1.decide(id, stepTwo, "approve", "again").then().statusCode(403).body(containsString("different person"));
        f1.decide(id, stepTwo, "reject", "").then().statusCode(400).body(containsString("comment"));
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
        f1.decide(id, stepTwo, "reject", "second thoughts: wrong beneficiary").then().statusCode(303);
        fixture.awaitStatus(agent, id, "REJECTED");
        f1.get("/inbox/decisions").then().statusCode(200).body(containsString("second thoughts: wrong beneficiary"))
                .body(containsString("first"));
    }

    @Test
    void requestChangesThenRevisionRestartsReviewAndEarlierApprovalsNoLongerCount() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.payment("25000.00", "production"));
        String fred = unique("fred");
        String fiona = unique("fiona");
        InboxClient f1 = InboxClient.signedIn(Tokens.reviewer(fred, "finance"));
        f1.decide(id, openRequest(f1, fred, id, "finance"), "approve", "ok").then().statusCode(303);
        InboxClient f2 = InboxClient.signedIn(Tokens.reviewer(fiona, "finance"));
        fixture.awaitTask(reviewer(fiona, "finance"), id);
        Response second = f2.get("/inbox/requests/" + id);
        f2.decide(id, second, "request-changes", "").then().statusCode(400);
        f2.decide(id, second, "request-changes", "Use the new IBAN").then().statusCode(303);
        fixture.awaitStatus(agent, id, "CHANGES_REQUESTED");
        String oldDigest = field(second, "digest");

        given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON)
                .body("{\"summary\":\"Pay invoice (new IBAN)\",\"justification\":\"IBAN corrected\",\"payload\":"
                        + "{\"amount\":\"25000.00\",\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACME GmbH\","
                        + "\"iban\":\"GB82WEST12345698765432\"},\"reference\":\"INV-1\"}}")
                .when().post("/api/v1/actions/" + id + "/revisions")
                .then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("PENDING_REVIEW"))
                .body("payloadSha256", org.hamcrest.Matchers.not(org.hamcrest.Matchers.equalTo(oldDigest)));

        fixture.awaitTask(reviewer(fred, "finance"), id);
        Response revised = f1.get("/inbox/requests/" + id);
        revised.then().body(containsString("0 of 2")).body(containsString("GB82WEST12345698765432"))
                .body(containsString("id=\"approve\""));
        // a decision bound to the old digest is refused
        f1.post("/inbox/requests/" + id + "/decision", Map.of("taskKey", field(revised, "taskKey"),
                "digest", oldDigest, "decision", "approve")).then().statusCode(409);
        f1.decide(id, revised, "approve", "new IBAN fine").then().statusCode(303);
        fixture.awaitTask(reviewer(fiona, "finance"), id);
        f2.decide(id, f2.get("/inbox/requests/" + id), "approve", "agreed").then().statusCode(303);
        fixture.awaitStatus(agent, id, "APPROVED");
    }

    /** The page a settling decision leads to shows the state it led to, not PENDING_REVIEW. */
    @Test
    void thePageAfterASettlingDecisionShowsTheStatusItLedTo() {
        String agent = agents.register();
        String fred = unique("fred");
        String fiona = unique("fiona");
        InboxClient f1 = InboxClient.signedIn(Tokens.reviewer(fred, "finance"));
        InboxClient f2 = InboxClient.signedIn(Tokens.reviewer(fiona, "finance"));
        UUID paid = fixture.submit(agent, Payloads.payment("25000.00", "production"));
        // the first of two approvals settles nothing: still in review
        Response first = f1.decide(paid, openRequest(f1, fred, paid, "finance"), "approve", "ok");
        first.then().statusCode(303);
        f1.get(first.header("Location")).then().statusCode(200).body(containsString("<dd id=\"status\">PENDING_REVIEW</dd>"))
                .body(not(containsString("id=\"settling\"")));
        Response second = f2.decide(paid, openRequest(f2, fiona, paid, "finance"), "approve", "agreed");
        second.then().statusCode(303);
        f2.get(second.header("Location")).then().statusCode(200).body(containsString("<dd id=\"status\">APPROVED</dd>"))
                .body(containsString("Your approval is recorded."));

        UUID rejected = fixture.submit(agent, Payloads.payment("25000.00", "production"));
        Response reject = f1.decide(rejected, openRequest(f1, fred, rejected, "finance"), "reject", "wrong payee");
        f1.get(reject.header("Location")).then().statusCode(200).body(containsString("<dd id=\"status\">REJECTED</dd>"));

        UUID sentBack = fixture.submit(agent, Payloads.payment("25000.00", "production"));
        Response changes = f1.decide(sentBack, openRequest(f1, fred, sentBack, "finance"), "request-changes", "new IBAN");
        f1.get(changes.header("Location")).then().statusCode(200).body(containsString("<dd id=\"status\">CHANGES_REQUESTED</dd>"));
    }

    @Test
    void claimUnclaimAndReassignWithinTheGroup() {
        String agent = agents.register();
        UUID id = schemaChange(agent);
        String dora = unique("dora");
        String dave = unique("dave");
        InboxClient d1 = InboxClient.signedIn(Tokens.reviewer(dora, "dba"));
        InboxClient d2 = InboxClient.signedIn(Tokens.reviewer(dave, "dba"));
        Response page = openRequest(d1, dora, id, "dba");
        String task = field(page, "taskKey");
        d1.post("/inbox/requests/" + id + "/claim", Map.of("taskKey", task)).then().statusCode(303);
        d1.get("/inbox/requests/" + id).then().body(containsString("id=\"assignee\">" + dora));
        // dave cannot take or decide a task dora holds
        d2.get("/inbox/requests/" + id).then().body(containsString("Claimed by " + dora));
        d2.post("/inbox/requests/" + id + "/claim", Map.of("taskKey", task)).then().statusCode(409);
        d2.post("/inbox/requests/" + id + "/decision", Map.of("taskKey", task, "digest", field(page, "digest"),
                "decision", "approve")).then().statusCode(409).body(containsString("claimed by"));
        // reassign only to known members of the group
        d1.post("/inbox/requests/" + id + "/reassign", Map.of("taskKey", task, "assignee", "mallory"))
                .then().statusCode(400);
        d1.post("/inbox/requests/" + id + "/reassign", Map.of("taskKey", task, "assignee", dave)).then().statusCode(303);
        d2.get("/inbox/requests/" + id).then().body(containsString("id=\"assignee\">" + dave))
                .body(containsString("id=\"approve\""));
        d2.post("/inbox/requests/" + id + "/unclaim", Map.of("taskKey", task)).then().statusCode(303);
        d1.post("/inbox/requests/" + id + "/unclaim", Map.of("taskKey", task)).then().statusCode(409);
    }

    @Test
    void agentCancellationClosesTheTaskAndEndsTheProcess() {
        String agent = agents.register();
        UUID id = schemaChange(agent);
        String dora = unique("dora");
        fixture.awaitTask(reviewer(dora, "dba"), id);
        given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON).body("{\"reason\":\"no longer needed\"}")
                .when().post("/api/v1/actions/" + id + "/cancel").then().statusCode(200);
        await(() -> fixture.openTask(reviewer(dora, "dba"), id).isEmpty());
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(dora, "dba"));
        await(() -> c.get("/inbox/requests/" + id).body().asString().contains("Review finished: cancelled by the agent"));
        assertEquals("CANCELLED", fixture.status(agent, id));
    }

    @Test
    void everyPayloadFieldIsEscaped() {
        String evil = "<script>alert(1)</script>\\\"'><img src=x onerror=alert(2)>";
        String agent = agents.register();
        String sql = Payloads.submission("db.schema.change", "db://prod/x", "production",
                "{\"database\":\"" + evil + "\",\"statements\":[\"DROP TABLE t; -- " + evil + "\",\"ALTER TABLE t DROP COLUMN c\"]}")
                .replace("\"summary\":\"test summary\"", "\"summary\":\"" + evil + "\"")
                .replace("\"justification\":\"test justification\"", "\"justification\":\"" + evil + "\"");
        // Targets are printable ASCII without spaces (TargetGlob.whyNotNormal): the tags stay, the spaces go.
        String pay = Payloads.submission("payment.transfer", "acct:" + evil.replace("\\\"", "").replace(' ', '/'), "production",
                "{\"amount\":\"20000\",\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"" + evil + "\",\"account\":\""
                        + evil + "\"},\"reference\":\"" + evil + "\"}");
        String push = Payloads.submission("code.push", "github.com/acme/api", "production",
                "{\"repository\":\"" + evil + "\",\"branch\":\"main\",\"commitSha\":\"" + "b".repeat(40)
                        + "\",\"diffStat\":{\"filesChanged\":1,\"insertions\":1,\"deletions\":0},\"patch\":\"" + evil + "\"}");
        String rev = unique("rev");
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(rev, "dba", "finance", "maintainers", "security"));
        for (String body : new String[] {sql, pay, push}) {
            UUID id = fixture.submit(agent, body);
            String html = openRequest(c, rev, id, "dba", "finance", "maintainers", "security").then().statusCode(200)
                    .extract().body().asString();
            assertFalse(html.contains("<script>alert"), "raw script tag in page");
            assertFalse(html.contains("<img src=x"), "raw img tag in page");
            assertFalse(html.contains("\"'><img"), "quote-breaking string unescaped");
            assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped text missing");
            String list = c.get("/inbox").body().asString();
            assertFalse(list.contains("<script>alert"), "raw script tag in inbox");
        }
    }

    @Test
    void sqlPayloadShowsStatementCountAndFlagsDestructiveStatements() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "ALTER TABLE orders DROP COLUMN note",
                "TRUNCATE audit_log", "CREATE INDEX i ON orders (id)", "DROP TABLE old_orders"));
        String dora = unique("dora");
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(dora, "dba"));
        String html = openRequest(c, dora, id, "dba").body().asString();
        assertTrue(html.contains("4 statements"), html);
        assertTrue(html.contains("3 destructive"), html);
        assertEquals(3, html.split("class=\"statement destructive\"", -1).length - 1);
    }

    @Test
    void paymentAndCodePushAreRenderedForTheirType() {
        String agent = agents.register();
        UUID pay = fixture.submit(agent, Payloads.payment("12500.00", "production"));
        UUID push = fixture.submit(agent, Payloads.codePush("main", "production"));
        String rev = unique("rev");
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(rev, "finance", "maintainers"));
        openRequest(c, rev, pay, "finance", "maintainers").then().body(containsString("12500.00 EUR"))
                .body(containsString("ACME GmbH")).body(containsString("DE89370400440532013000"));
        openRequest(c, rev, push, "finance", "maintainers").then().body(containsString("2 files changed, +10 / -3"))
                .body(containsString("a".repeat(40))).body(containsString("id=\"digest\""));
    }

    @Test
    void inboxFiltersCountsAndPaginates() {
        String agent = agents.register();
        String group = "grp" + UUID.randomUUID().toString().substring(0, 6);
        // the default policy routes production ops.restart to security; use it for a private count
        for (int i = 0; i < 3; i++) {
            fixture.submit(agent, Payloads.submission("ops.restart", "svc:api-" + i, "production", "{\"service\":\"api\"}"));
        }
        UUID pay = fixture.submit(agent, Payloads.payment("30000", "production"));
        String rev = unique("rev");
        fixture.awaitTask(reviewer(rev, "finance"), pay);
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(rev, "finance"));
        c.get("/inbox?type=payment.transfer&agent=" + agent).then().statusCode(200)
                .body(containsString("<strong>1</strong> open")).body(containsString(pay.toString()));
        c.get("/inbox?type=code.push&agent=" + agent).then().body(containsString("<strong>0</strong> open"))
                .body(containsString("Nothing waiting"));
        c.get("/inbox?risk=HIGH&agent=" + agent).then().body(containsString(pay.toString()));
        c.get("/inbox?page=99").then().statusCode(200);
        assertNotNull(group);
    }

    /** Group rows of the request's tasks that the inbox query still reads (V70: only open tasks' rows). */
    private long openGroupRows(UUID requestId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("SELECT count(*) FROM "
                + "inbox_task_group g JOIN inbox_task t ON t.task_key = g.task_key WHERE t.request_id = ?1 AND g.task_open")
                .setParameter(1, requestId).getSingleResult()).longValue());
    }

    @Test
    void inboxCountsOpenOverdueAndAssignedAndDropsDecidedAndClosedTasks() {
        String agent = agents.register();
        UUID first = schemaChange(agent);
        UUID second = schemaChange(agent);
        UUID third = schemaChange(agent);
        String rev = unique("dora");
        for (UUID id : List.of(first, second, third)) {
            fixture.awaitTask(reviewer(rev, "dba"), id);
            assertEquals(1, openGroupRows(id));
        }
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(rev, "dba"));
        c.post("/inbox/requests/" + second + "/claim", Map.of("taskKey", field(c.get("/inbox/requests/" + second),
                "taskKey"))).then().statusCode(303);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("UPDATE inbox_task SET due_at = ?1 WHERE "
                + "request_id = ?2").setParameter(1, OffsetDateTime.now(ZoneOffset.UTC).minusHours(1))
                .setParameter(2, third).executeUpdate());
        c.get("/inbox?agent=" + agent).then().statusCode(200).body(containsString("<strong>3</strong> open"))
                .body(containsString("<strong>1</strong> overdue")).body(containsString("<strong>1</strong> assigned to me"))
                .body(containsString("data-request=\"" + first)).body(containsString("data-request=\"" + second))
                .body(containsString("data-request=\"" + third));

        c.decide(first, c.get("/inbox/requests/" + first), "approve", "fine").then().statusCode(303);
        assertEquals(0, openGroupRows(first));
        c.get("/inbox?agent=" + agent).then().body(containsString("<strong>2</strong> open"))
                .body(not(containsString("data-request=\"" + first)));
        c.get("/inbox/requests/" + first).then().statusCode(200); // decided requests stay readable for the group

        given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/actions/" + second + "/cancel").then().statusCode(200);
        await(() -> openGroupRows(second) == 0);
        c.get("/inbox?agent=" + agent).then().body(containsString("<strong>1</strong> open"))
                .body(containsString("<strong>1</strong> overdue")).body(containsString("<strong>0</strong> assigned to me"))
                .body(not(containsString("data-request=\"" + second))).body(containsString("data-request=\"" + third));
        assertEquals(1, openGroupRows(third));
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(100)).until(condition);
    }
}
