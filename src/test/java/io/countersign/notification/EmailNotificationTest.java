package io.countersign.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.countersign.review.Decision;
import io.countersign.review.ReviewFixture;
import io.countersign.review.ReviewQueries;
import io.countersign.review.ReviewService;
import io.countersign.review.Views.Reviewer;
import io.countersign.review.Views.TaskSummary;
import io.countersign.testsupport.GreenMailServer;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Reviewer e-mail end to end through a real SMTP server (GreenMail): who is told (members with a
 * verified address, never the agent's owner as a reviewer, once each), what the message says
 * (request facts, hostile text escaped and hidden characters marked, one link, no decision link),
 * the end of the review and the owner's messages, reminders and escalation from the process's
 * timer, and an SMTP outage that delays mail but loses none.
 */
@QuarkusTest
@TestProfile(NotificationsProfile.class)
class EmailNotificationTest {

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    ReviewService reviews;

    @Inject
    ReviewQueries queries;

    @Inject
    NotificationFixture notices;

    @Inject
    NotificationStore store;

    @TestHTTPResource(value = "/health/ready", management = true)
    java.net.URL readiness;

    /** Waits for {@code count} messages to {@code address} about {@code requestId} (null: any). */
    List<MimeMessage> awaitMail(String address, UUID requestId, int count) {
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> mailAbout(address, requestId).size() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(count + " messages to " + address + " expected, " + mailAbout(address, requestId)
                    .size() + " arrived; the newest notification rows: " + store.rows(null, 10), e);
        }
        return mailAbout(address, requestId);
    }

    static List<MimeMessage> mailAbout(String address, UUID requestId) {
        return NotificationFixture.mailTo(address).stream().filter(m -> {
            try {
                return requestId == null || NotificationFixture.parts(m).get("text").contains("/inbox/requests/" + requestId);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    static int count(String haystack, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(haystack);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    String submit(String agent, String summary, String statement) {
        String body = Payloads.submission("db.schema.change", "db://prod/orders", "production",
                "{\"database\":\"orders\",\"statements\":[\"" + statement + "\"]}")
                .replace("\"summary\":\"test summary\"", "\"summary\":\"" + summary + "\"");
        return fixture.submit(agent, body).toString();
    }

    @Test
    void membersWithAnAddressAreToldOnceWithTheRequestAsTheRequestPageShowsIt() throws Exception {
        String agent = agents.register();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Reviewer dora = notices.person("dora-" + tag, "dora-" + tag + "@example.com", "dba");
        Reviewer dan = notices.person("dan-" + tag, "dan-" + tag + "@example.com", "dba");
        notices.person("nomail-" + tag, null, "dba");
        // the agent's owner is a DBA too, but may not review their own agent's request
        notices.person("owner-" + agent, "owner-" + tag + "@example.com", "dba");

        UUID id = UUID.fromString(submit(agent, "<script>alert('x')</script> add note",
                "ALTER TABLE orders ADD COLUMN note TEXT -- \\u202Eevil"));

        MimeMessage toDora = awaitMail(dora.userId() + "@example.com", id, 1).get(0);
        awaitMail(dan.userId() + "@example.com", id, 1);
        assertThat(toDora.getSubject()).startsWith("[Countersign] Review requested: <script>alert('x')</script> add note");
        assertThat(toDora.getHeader("List-Id")[0]).isEqualTo("Countersign reviews <reviews.countersign.test.example>");
        assertThat(toDora.getHeader("Auto-Submitted")[0]).isEqualTo("auto-generated");
        assertThat(((InternetAddress) toDora.getFrom()[0]).getAddress()).isEqualTo("countersign@test.example");
        Map<String, String> body = NotificationFixture.parts(toDora);
        String link = "https://countersign.test.example/inbox/requests/" + id;
        for (String part : List.of("text", "html")) {
            assertThat(body.get(part)).as(part).contains("db.schema.change", "db://prod/orders", "production", "HIGH",
                    "dba", "Deadline", "test justification", "ALTER TABLE orders ADD COLUMN note TEXT");
            assertThat(count(body.get(part), link)).as(part + ": one link to the request page").isEqualTo(1);
            // the right-to-left override is a marker, never the character itself
            assertThat(body.get(part)).as(part).doesNotContain("\u202E").contains("U+202E");
            assertThat(body.get(part)).as(part).contains("Careful: this request contains 1 hidden");
            assertThat(body.get(part)).as(part).contains("no link in an e-mail approves or rejects anything");
        }
        assertThat(body.get("html")).doesNotContain("<script>").contains("&lt;script&gt;alert(")
                .contains("<mark class=\"hidden-char\"");
        // links in the HTML part: the request page only
        assertThat(Pattern.compile("href=\"([^\"]*)\"").matcher(body.get("html")).results().map(r -> r.group(1)).toList())
                .containsExactly(link);
        assertThat(mailAbout("owner-" + tag + "@example.com", id)).as("no mail to the agent's owner as a reviewer").isEmpty();

        // Dora approves: Dan is told the review ended and by whom; the owner hears of the decision
        TaskSummary task = fixture.awaitTask(dora, id);
        String digest = queries.detail(dora, id).action().payloadSha256();
        reviews.recordDecision(dora, id, task.taskKey(), Decision.APPROVE, "fine <b>by</b> me", digest);
        fixture.awaitStatus(agent, id, "APPROVED");
        MimeMessage ended = awaitMail(dan.userId() + "@example.com", id, 2).get(1);
        assertThat(ended.getSubject()).startsWith("[Countersign] Review ended: approved");
        assertThat(NotificationFixture.parts(ended).get("text")).contains(dora.userId() + " approved at ", "fine <b>by</b> me");
        assertThat(NotificationFixture.parts(ended).get("html")).contains("fine &lt;b&gt;by&lt;/b&gt; me");
        MimeMessage toOwner = awaitMail("owner-" + tag + "@example.com", id, 1).get(0);
        assertThat(toOwner.getSubject()).contains(dora.userId() + " approved a request of your agent " + agent);
        assertThat(NotificationFixture.parts(toOwner).get("text")).contains("as the owner of agent " + agent);

        await().atMost(Duration.ofSeconds(10)).until(() -> store.counts().get(
                io.countersign.common.delivery.DeliveryStatus.PENDING) == 0);
        assertThat(mailAbout(dora.userId() + "@example.com", id)).as("Dora decided: no message about her own decision")
                .hasSize(1);
        assertThat(mailAbout(dan.userId() + "@example.com", id)).hasSize(2);
        assertThat(mailAbout("owner-" + tag + "@example.com", id)).hasSize(1);
        given().auth().oauth2(Tokens.admin()).when().get("/api/v1/admin/notifications?status=ALL&limit=1000")
                .then().statusCode(200)
                .body("entries.findAll { it.requestId == '" + id + "' }.size()", equalTo(4));
    }

    @Test
    void anUnansweredReviewRemindsItsReviewersEscalatesAndTellsTheOwnerItExpired() throws Exception {
        String agent = agents.register();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String olga = "olga-" + tag;
        String sam = "sam-" + tag;
        notices.person(olga, olga + "@example.com", "oncall");
        notices.person(sam, sam + "@example.com", "security");
        notices.person("owner-" + agent, "owner-" + tag + "@example.com");
        UUID id = fixture.submit(agent, Payloads.submission("ops.restart", "svc:api", "production", "{\"service\":\"api\"}"));

        // asked, then reminded by the process's timer (6 s of 8)
        List<MimeMessage> toOlga = awaitMail(olga + "@example.com", id, 2);
        assertThat(toOlga.get(0).getSubject()).startsWith("[Countersign] Review requested: test summary");
        assertThat(toOlga.get(1).getSubject()).startsWith("[Countersign] Reminder: review due ");
        // the escalation group is asked when the timer fires
        MimeMessage toSam = awaitMail(sam + "@example.com", id, 1).get(0);
        assertThat(toSam.getSubject()).startsWith("[Countersign] Escalated to security: review requested");
        fixture.awaitStatus(agent, id, "EXPIRED");
        assertThat(awaitMail(olga + "@example.com", id, 3).get(2).getSubject())
                .startsWith("[Countersign] Review ended: expired without a decision");
        assertThat(awaitMail(sam + "@example.com", id, 2).get(1).getSubject())
                .startsWith("[Countersign] Review ended: expired without a decision");
        assertThat(awaitMail("owner-" + tag + "@example.com", id, 1).get(0).getSubject())
                .startsWith("[Countersign] A request of your agent " + agent + " expired without a decision");
    }

    @Test
    void anSmtpOutageDelaysMailParksItAfterTheRetriesAndAnAdminRetryDeliversItOnce() throws Exception {
        String agent = agents.register();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String pia = "pia-" + tag;
        notices.person(pia, pia + "@example.com", "payments");
        // the documented routing mails nobody of group bots (routes.bots.email=false)
        String bo = "bo-" + tag;
        notices.person(bo, bo + "@example.com", "bots");
        GreenMailServer.server().stop();
        UUID id;
        try {
            id = fixture.submit(agent, Payloads.payment("1200.00", "staging"));
            // the request does not wait for mail: it is in review at once
            assertThat(fixture.status(agent, id)).isEqualTo("PENDING_REVIEW");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> parked(id) == 1);
            given().when().get(readiness).then()
                    .body("checks.find { it.name == 'notifications' }.data.state", equalTo("degraded"));
        } finally {
            GreenMailServer.restart();
        }
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .when().post("/api/v1/admin/notifications/retry-parked")
                .then().statusCode(200);
        assertThat(awaitMail(pia + "@example.com", id, 1)).hasSize(1);
        given().auth().oauth2(Tokens.admin()).when().post("/api/v1/admin/notifications/999999999/retry")
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(Tokens.admin()).when().get("/api/v1/admin/notifications?status=SOMETIMES")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("PARKED, PENDING, DELIVERED or ALL"));
        given().auth().oauth2(Tokens.reviewer("rita", "payments")).when().get("/api/v1/admin/notifications")
                .then().statusCode(403);
        Thread.sleep(300);
        assertThat(mailAbout(pia + "@example.com", id)).as("delivered once").hasSize(1);
        assertThat(mailAbout(bo + "@example.com", id)).as("a group routed without e-mail").isEmpty();
    }

    private long parked(UUID id) {
        return given().auth().oauth2(Tokens.admin()).when().get("/api/v1/admin/notifications?status=PARKED&limit=1000")
                .then().statusCode(200).extract().jsonPath()
                .getList("entries.findAll { it.requestId == '" + id + "' }").size();
    }
}
