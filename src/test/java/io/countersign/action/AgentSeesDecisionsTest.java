package io.countersign.action;

import static io.countersign.review.ReviewFixture.reviewer;
import static io.countersign.testsupport.Ids.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.json.JsonSupport;
import io.countersign.inbox.InboxClient;
import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The agent reads the reviewers' decisions with their comments on its own request (docs/api.md,
 * "decisions"), so it can revise without a human relaying the comment.
 */
@QuarkusTest
class AgentSeesDecisionsTest {

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    private static JsonPath read(String agent, UUID id, String wait) {
        return given().auth().oauth2(Tokens.agent(agent)).queryParam("wait", wait)
                .when().get("/api/v1/actions/" + id).then().statusCode(200).extract().jsonPath();
    }

    private Response decide(String who, UUID id, String decision, String comment) {
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(who, "finance"));
        fixture.awaitTask(reviewer(who, "finance"), id);
        return c.decide(id, c.get("/inbox/requests/" + id), decision, comment);
    }

    @Test
    void decisionsAndCommentsOfEveryRoundReachTheAgent() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.payment("25000.00", "production"));
        JsonPath pending = read(agent, id, "0s");
        assertEquals("PENDING_REVIEW", pending.getString("status"));
        assertEquals(List.of(), pending.getList("decisions"), "routed to review, nobody decided yet");
        String firstDigest = pending.getString("payloadSha256");

        String fred = unique("fred");
        String fiona = unique("fiona");
        decide(fred, id, "approve", "amount matches the invoice").then().statusCode(303);
        decide(fiona, id, "request-changes", "Use the new IBAN <GB82> & resend").then().statusCode(303);
        // the long-poll wakes on the change and carries both decisions, oldest first
        JsonPath changes = read(agent, id, "10s");
        assertEquals("CHANGES_REQUESTED", changes.getString("status"));
        List<Map<String, Object>> d = changes.getList("decisions");
        assertEquals(2, d.size(), d.toString());
        assertEquals(Map.of("reviewer", fred, "decision", "APPROVE", "comment", "amount matches the invoice",
                "round", 0, "payloadSha256", firstDigest), without(d.get(0), "decidedAt"));
        assertEquals(Map.of("reviewer", fiona, "decision", "REQUEST_CHANGES", "comment",
                "Use the new IBAN <GB82> & resend", "round", 0, "payloadSha256", firstDigest),
                without(d.get(1), "decidedAt"));
        assertEquals(documentedDecisionKeys(), d.get(0).keySet(), "docs/api.md's example has the same fields");
        OffsetDateTime first = OffsetDateTime.parse((String) d.get(0).get("decidedAt"));
        OffsetDateTime second = OffsetDateTime.parse((String) d.get(1).get("decidedAt"));
        assertFalse(second.isBefore(first), d.toString());

        String secondDigest = given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON)
                .body("{\"summary\":\"Pay invoice (new IBAN)\",\"justification\":\"IBAN corrected\",\"payload\":"
                        + "{\"amount\":\"25000.00\",\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACME GmbH\","
                        + "\"iban\":\"GB82WEST12345698765432\"},\"reference\":\"INV-1\"}}")
                .when().post("/api/v1/actions/" + id + "/revisions")
                .then().statusCode(200).extract().path("payloadSha256");
        assertNotEquals(firstDigest, secondDigest);
        decide(fred, id, "reject", "beneficiary not on the vendor list").then().statusCode(303);
        fixture.awaitStatus(agent, id, "REJECTED");
        List<Map<String, Object>> all = read(agent, id, "0s").getList("decisions");
        assertEquals(3, all.size(), all.toString());
        assertEquals(Map.of("reviewer", fred, "decision", "REJECT", "comment", "beneficiary not on the vendor list",
                "round", 1, "payloadSha256", secondDigest), without(all.get(2), "decidedAt"));
    }

    @Test
    void aRequestPolicyDecidedAloneCarriesNoDecisions() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.payment("10.00", "staging"));
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id)
                .then().statusCode(200).body("status", not(equalTo("PENDING_REVIEW"))).body("$", not(hasKey("decisions")));
    }

    @Test
    void anotherAgentLearnsNothingOfTheDecisions() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.payment("25000.00", "production"));
        given().auth().oauth2(Tokens.agent(agents.register())).when().get("/api/v1/actions/" + id)
                .then().statusCode(404).body(not(containsString("decisions")));
    }

    /** The field names of the first decision in docs/api.md's example ("What the reviewers said"). */
    private static Set<String> documentedDecisionKeys() {
        try {
            String doc = Files.readString(Path.of("docs/api.md"), StandardCharsets.UTF_8);
            int section = doc.indexOf("**What the reviewers said.**");
            int start = doc.indexOf("```json\n", section) + "```json\n".length();
            JsonNode example = JsonSupport.MAPPER.readTree(doc.substring(start, doc.indexOf("```", start)));
            Set<String> keys = new HashSet<>();
            example.get("decisions").get(0).fieldNames().forEachRemaining(keys::add);
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> without(Map<String, Object> m, String key) {
        Map<String, Object> copy = new HashMap<>(m);
        copy.remove(key);
        return copy;
    }
}
