package io.countersign.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.inbox.InboxClient;
import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.FakeReceiver.Received;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Slack against a protocol-level fake of its Web API (chat.postMessage / chat.update, checked
 * against Block Kit's limits and the bot token) and signed interactivity requests as Slack sends
 * them: an unlinked click links through the inbox, a linked reviewer's click is their approval with
 * every inbox check, replays and bad signatures do nothing, and the end of the review updates the
 * message in place.
 */
@QuarkusTest
@TestProfile(NotificationsProfile.class)
class SlackNotificationTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    NotificationFixture notices;

    @Inject
    NotificationStore store;

    @Inject
    javax.sql.DataSource dataSource;

    long linkEvents(String user) throws Exception {
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement(
                "SELECT count(*) FROM audit_event WHERE event_type = 'slack.linked' AND actor_id = ?")) {
            ps.setString(1, user);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A signed interactivity request as Slack sends it. */
    record Click(String body, String timestamp, String signature) {
        Response send() {
            return given().contentType("application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", timestamp)
                    .header("X-Slack-Signature", signature).body(body).when().post("/api/v1/slack/interactivity");
        }
    }

    static Click click(String slackUser, String value, Instant at) {
        // each interaction carries its own trigger_id, as Slack's do
        String payload = "{\"type\":\"block_actions\",\"trigger_id\":\"" + UUID.randomUUID() + "\",\"team\":{\"id\":\""
                + ChatFakes.SLACK_TEAM + "\"},\"user\":{\"id\":\""
                + slackUser + "\"},\"response_url\":\"" + ChatFakes.receiver().url(ChatFakes.SLACK_RESPONSE)
                + "\",\"actions\":[{\"action_id\":\"countersign_approve\",\"value\":\"" + value + "\"}]}";
        String body = "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
        String ts = Long.toString(at.getEpochSecond());
        String sig = "v0=" + HexFormat.of().formatHex(SlackInteractivityResource.hmac(ChatFakes.SLACK_SIGNING_SECRET,
                "v0:" + ts + ":" + body));
        return new Click(body, ts, sig);
    }

    static List<Received> posts(UUID id) {
        return ChatFakes.receiver().received(ChatFakes.SLACK_POST).stream().filter(r -> r.body().contains(id.toString()))
                .toList();
    }

    static List<Received> updates(UUID id) {
        return ChatFakes.receiver().received(ChatFakes.SLACK_UPDATE).stream().filter(r -> r.body().contains(id.toString()))
                .toList();
    }

    /** The ephemeral replies sent so far. */
    static List<String> replies() {
        return ChatFakes.receiver().received(ChatFakes.SLACK_RESPONSE).stream().map(r -> {
            try {
                return JSON.readTree(r.body()).path("text").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    static String awaitReply(int before) {
        await().atMost(Duration.ofSeconds(10)).until(() -> replies().size() > before);
        return replies().get(before);
    }

    static String approveValue(Received post) throws Exception {
        for (JsonNode b : JSON.readTree(post.body()).path("blocks")) {
            for (JsonNode e : b.path("elements")) {
                if ("countersign_approve".equals(e.path("action_id").asText())) {
                    return e.path("value").asText();
                }
            }
        }
        return null;
    }

    /** Signs in as a maintainer (remembered with the group at this sign-in) and links the Slack user of {@code reply}'s link. */
    static void link(String user, String reply) {
        Matcher m = Pattern.compile("/inbox/slack/link\\?t=([A-Za-z0-9_\\-.]+)").matcher(reply);
        assertThat(m.find()).as(reply).isTrue();
        InboxClient browser = InboxClient.signedIn(Tokens.reviewer(user, "maintainers"));
        Response page = browser.get("/inbox/slack/link?t=" + m.group(1));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body().asString()).contains("asked to approve requests as you");
        Response done = browser.post("/inbox/slack/link", Map.of("t", m.group(1)));
        assertThat(done.statusCode()).as(done.body().asString()).isEqualTo(200);
        assertThat(done.body().asString()).contains("is now linked to you");
    }

    @Test
    void aLinkedMaintainersClickIsTheirApprovalWithEveryInboxCheckAndTheMessageEndsUpdatedInPlace() throws Exception {
        String agent = agents.register();
        String body = Payloads.codePush("main", "production").replace("\"summary\":\"test summary\"",
                "\"summary\":\"<!channel> deploy <https://evil.example|now>\"");
        // a maintainer with an address: the rule says notify: [slack], so no e-mail
        String mailed = "max-" + UUID.randomUUID().toString().substring(0, 8);
        notices.person(mailed, mailed + "@example.com", "maintainers");
        UUID id = fixture.submit(agent, body);
        await().atMost(Duration.ofSeconds(30)).until(() -> !posts(id).isEmpty());
        Received post = posts(id).get(0);
        assertThat(given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id).then().statusCode(200)
                .extract().jsonPath().getList("review.notifyChannels")).containsExactly("slack");
        assertThat(ChatFakes.slackProblem(post, false)).isNull();
        JsonNode summary = JSON.readTree(post.body()).findValues("fields").get(0).get(0);
        assertThat(summary.path("text").asText()).isEqualTo("Summary: <!channel> deploy <https://evil.example|now>");
        assertThat(summary.path("type").asText()).as("never mrkdwn: no mention, no link").isEqualTo("plain_text");
        assertThat(post.body()).doesNotContain("mrkdwn");
        String value = approveValue(post);
        assertThat(value).startsWith(id + "|");

        // an unlinked click counts for nothing and answers with a link to link the account
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String mia = "mia-" + tag;
        int before = replies().size();
        assertThat(click("U1" + tag, value, Instant.now()).send().statusCode()).isEqualTo(200);
        String unlinked = awaitReply(before);
        assertThat(unlinked).contains("not linked to Countersign", "/inbox/slack/link?t=");
        link(mia, unlinked);
        assertThat(linkEvents(mia)).as("the link is in the decision trail").isEqualTo(1);

        // linked: the click is Mia's approval (1 of 2)
        before = replies().size();
        Click approve = click("U1" + tag, value, Instant.now());
        assertThat(approve.send().statusCode()).isEqualTo(200);
        assertThat(awaitReply(before)).isEqualTo("Your approval is recorded (as " + mia + "). More approvals are needed.");
        // the same request again (a replay): answered, nothing done, no reply
        before = replies().size();
        assertThat(approve.send().statusCode()).isEqualTo(200);
        // Mia clicks again: the inbox's rule, one approval per person
        assertThat(click("U1" + tag, value, Instant.now().plusSeconds(1)).send().statusCode()).isEqualTo(200);
        assertThat(awaitReply(before)).startsWith("Your approval did not count: ");
        assertThat(fixture.status(agent, id)).isEqualTo("PENDING_REVIEW");
        assertThat(given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id).then().statusCode(200)
                .extract().jsonPath().getList("decisions")).as("one decision for the click and its replay").hasSize(1);

        // the second approval is a new review step: a new message with its own button
        await().atMost(Duration.ofSeconds(30)).until(() -> posts(id).size() >= 2);
        value = approveValue(posts(id).get(1));
        assertThat(value).isNotEqualTo(approveValue(post));

        // the agent's owner, linked, may not approve their own agent's request
        String owner = "owner-" + agent;
        before = replies().size();
        click("U2" + tag, value, Instant.now()).send();
        link(owner, awaitReply(before));
        before = replies().size();
        click("U2" + tag, value, Instant.now().plusSeconds(1)).send();
        assertThat(awaitReply(before)).startsWith("Your approval did not count: ");

        // a second maintainer approves: APPROVED, and both messages are updated in place without buttons
        String noah = "noah-" + tag;
        before = replies().size();
        click("U3" + tag, value, Instant.now()).send();
        link(noah, awaitReply(before));
        before = replies().size();
        click("U3" + tag, value, Instant.now().plusSeconds(1)).send();
        assertThat(awaitReply(before)).isEqualTo("Your approval is recorded (as " + noah + "). The review is complete.");
        fixture.awaitStatus(agent, id, "APPROVED");
        await().atMost(Duration.ofSeconds(30)).until(() -> updates(id).size() >= 2);
        assertThat(updates(id)).hasSize(2);
        Received update = updates(id).get(1);
        assertThat(ChatFakes.slackProblem(update, true)).isNull();
        JsonNode u = JSON.readTree(update.body());
        assertThat(u.path("ts").asText()).isNotBlank();
        assertThat(update.body()).contains("Review ended: approved", mia + " approved at ", noah + " approved at ")
                .doesNotContain("countersign_approve");
        assertThat(NotificationFixture.mailTo(mailed + "@example.com")).as("the rule's notify: [slack]").isEmpty();
    }

    /** A signed interactivity request for a button click or a modal submission. */
    static Click signed(String payload) {
        String body = "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
        String ts = Long.toString(Instant.now().getEpochSecond());
        return new Click(body, ts, "v0=" + HexFormat.of().formatHex(SlackInteractivityResource.hmac(
                ChatFakes.SLACK_SIGNING_SECRET, "v0:" + ts + ":" + body)));
    }

    static Click button(String slackUser, String actionId, String value) {
        return signed("{\"type\":\"block_actions\",\"trigger_id\":\"" + UUID.randomUUID() + "\",\"team\":{\"id\":\""
                + ChatFakes.SLACK_TEAM + "\"},\"user\":{\"id\":\"" + slackUser + "\"},\"response_url\":\""
                + ChatFakes.receiver().url(ChatFakes.SLACK_RESPONSE) + "\",\"actions\":[{\"action_id\":\"" + actionId
                + "\",\"value\":\"" + value + "\"}]}");
    }

    static Click submission(String slackUser, String metadata, String comment) throws Exception {
        return signed("{\"type\":\"view_submission\",\"team\":{\"id\":\"" + ChatFakes.SLACK_TEAM + "\"},\"user\":{\"id\":\""
                + slackUser + "\"},\"view\":{\"callback_id\":\"countersign_decide\",\"private_metadata\":"
                + JSON.writeValueAsString(metadata) + ",\"state\":{\"values\":{\"comment\":{\"comment\":{\"type\":"
                + "\"plain_text_input\",\"value\":" + JSON.writeValueAsString(comment) + "}}}}}}");
    }

    @Test
    void rejectOpensAModalForTheCommentAndItsSubmissionIsTheRejection() throws Exception {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.codePush("hotfix", "production"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !posts(id).isEmpty());
        String value = approveValue(posts(id).get(0));
        assertThat(posts(id).get(0).body()).contains("countersign_reject", "countersign_changes");
        String tag = UUID.randomUUID().toString().substring(0, 8);
        int before = replies().size();
        click("U5" + tag, value, Instant.now()).send();
        link("rex-" + tag, awaitReply(before));

        int opened = ChatFakes.receiver().received(ChatFakes.SLACK_VIEWS_OPEN).size();
        assertThat(button("U5" + tag, "countersign_reject", value).send().statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> ChatFakes.receiver().received(ChatFakes.SLACK_VIEWS_OPEN).size()
                > opened);
        JsonNode view = JSON.readTree(ChatFakes.receiver().received(ChatFakes.SLACK_VIEWS_OPEN).get(opened).body())
                .path("view");
        assertThat(view.path("callback_id").asText()).isEqualTo("countersign_decide");
        String metadata = view.path("private_metadata").asText();
        assertThat(metadata).isEqualTo("REJECT|" + value);
        assertThat(fixture.status(agent, id)).as("opening the modal decides nothing").isEqualTo("PENDING_REVIEW");

        // an empty comment keeps the modal open with the inbox's reason
        Response empty = submission("U5" + tag, metadata, " ").send();
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.jsonPath().getString("response_action")).isEqualTo("errors");
        assertThat(empty.jsonPath().getString("errors.comment")).contains("required when rejecting");
        // a forged metadata names no decision
        assertThat(submission("U5" + tag, "APPROVE|" + value, "x").send().jsonPath().getString("errors.comment"))
                .contains("not one of Countersign's");
        // with the comment: rejected, the modal closes, the message is updated in place
        Response done = submission("U5" + tag, metadata, "Not on a Friday").send();
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body().asString()).isEmpty();
        fixture.awaitStatus(agent, id, "REJECTED");
        await().atMost(Duration.ofSeconds(30)).until(() -> !updates(id).isEmpty());
        assertThat(updates(id).get(0).body()).contains("Review ended: rejected", "rex-" + tag + " rejected at ",
                "Not on a Friday");
    }

    @Test
    void criticalRequestsOfferNoDecisionInSlackAndAClickFromAnOlderMessageIsRefused() throws Exception {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.codePush("main", "sandbox"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !posts(id).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no post; rows: " + store.rows(null, 10) + "; posts: " + ChatFakes.receiver()
                    .received(ChatFakes.SLACK_POST).stream().map(r -> r.body().substring(0, Math.min(300, r.body().length())))
                    .toList(), e);
        }
        Received post = posts(id).get(0);
        assertThat(approveValue(post)).as("step-up: no decision buttons above decide-max-risk").isNull();
        assertThat(post.body()).contains("Decide on the request page (not here: its risk is CRITICAL; Slack decides up to "
                + "HIGH)", "countersign_open");
        // a click carrying this request's value anyway (an older message, a forged button) counts for nothing
        String tag = UUID.randomUUID().toString().substring(0, 8);
        var task = fixture.awaitTask(ReviewFixture.reviewer("sid-" + tag, "maintainers"), id);
        String value = id + "|" + task.taskKey() + "|" + given().auth().oauth2(Tokens.agent(agent)).when()
                .get("/api/v1/actions/" + id).then().extract().path("payloadSha256");
        int before = replies().size();
        click("U6" + tag, value, Instant.now()).send();
        link("sid-" + tag, awaitReply(before));
        before = replies().size();
        click("U6" + tag, value, Instant.now().plusSeconds(1)).send();
        assertThat(awaitReply(before)).startsWith("This click did not count: decide on the request page (its risk is "
                + "CRITICAL");
        assertThat(fixture.status(agent, id)).isEqualTo("PENDING_REVIEW");
    }

    @Test
    void badSignaturesOldTimestampsAndOtherWorkspacesAreRefused() {
        Click good = click("U9", UUID.randomUUID() + "|1|x", Instant.now());
        given().contentType("application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", good.timestamp())
                .header("X-Slack-Signature", good.signature().replace('a', 'b').replace('1', '2')).body(good.body())
                .when().post("/api/v1/slack/interactivity").then().statusCode(401).contentType("application/problem+json");
        given().contentType("application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", good.timestamp())
                .header("X-Slack-Signature", good.signature()).body(good.body() + "x")
                .when().post("/api/v1/slack/interactivity").then().statusCode(401);
        Click old = click("U9", UUID.randomUUID() + "|1|x", Instant.now().minusSeconds(600));
        old.send().then().statusCode(401).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("away from now"));
        given().contentType("application/x-www-form-urlencoded").body(good.body())
                .when().post("/api/v1/slack/interactivity").then().statusCode(401);
        // a correctly signed click from another workspace
        String payload = "{\"type\":\"block_actions\",\"team\":{\"id\":\"T0OTHER\"},\"user\":{\"id\":\"U9\"},"
                + "\"actions\":[{\"action_id\":\"countersign_approve\",\"value\":\"x\"}]}";
        String body = "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
        String ts = Long.toString(Instant.now().getEpochSecond());
        given().contentType("application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", "v0=" + HexFormat.of().formatHex(SlackInteractivityResource.hmac(
                        ChatFakes.SLACK_SIGNING_SECRET, "v0:" + ts + ":" + body))).body(body)
                .when().post("/api/v1/slack/interactivity").then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void aClickOnARequestCancelledMeanwhileCountsForNothing() throws Exception {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.codePush("release", "production"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !posts(id).isEmpty());
        String value = approveValue(posts(id).get(0));
        String tag = UUID.randomUUID().toString().substring(0, 8);
        int before = replies().size();
        click("U4" + tag, value, Instant.now()).send();
        link("ada-" + tag, awaitReply(before));
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{\"reason\":\"not needed\"}")
                .when().post("/api/v1/actions/" + id + "/cancel").then().statusCode(200);
        before = replies().size();
        click("U4" + tag, value, Instant.now().plusSeconds(1)).send();
        assertThat(awaitReply(before)).startsWith("Your approval did not count: ");
        assertThat(fixture.status(agent, id)).isEqualTo("CANCELLED");
        await().atMost(Duration.ofSeconds(30)).until(() -> !updates(id).isEmpty());
        assertThat(updates(id).get(0).body()).contains("Review ended: cancelled by the agent");
    }

    @Test
    void aLinkTokenThatIsForgedOrExpiredLinksNothing() {
        InboxClient browser = InboxClient.signedIn(Tokens.reviewer("eve-" + UUID.randomUUID(), "maintainers"));
        Response forged = browser.get("/inbox/slack/link?t=VDBURVNUMDAxOlU5OjQxMDI0NDQ4MDA.AAAA");
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body().asString()).contains("not valid or has expired");
        Response post = browser.post("/inbox/slack/link", Map.of("t", "nonsense"));
        assertThat(post.statusCode()).isEqualTo(400);
        // without the form's CSRF token nothing is linked even with a good token
        assertThat(browser.postWithoutCsrf("/inbox/slack/link", Map.of("t", "x")).statusCode()).isEqualTo(403);
    }
}
