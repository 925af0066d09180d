package io.countersign.action;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.common.Actor;
import io.countersign.faults.RawHttp;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading, listing, long-poll, cancel, outcome, and the transition table. */
@QuarkusTest
class ActionLifecycleTest {

    @Inject
    TestAgents agents;

    @Inject
    ActionService actions;

    @TestHTTPResource("/")
    URL base;

    String agent;

    @BeforeEach
    void registerAgent() {
        agent = agents.register();
    }

    String submit(String body) {
        return given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(body)
                .when().post("/api/v1/actions")
                .then().statusCode(201).extract().path("id");
    }

    String pending() {
        return submit(Payloads.schemaChange("production", "ALTER TABLE t ADD COLUMN c INT"));
    }

    @Test
    void anotherAgentsRequestIsNotFound() {
        String id = submit(Payloads.payment("1.00", "sandbox"));
        String other = agents.register();
        given().auth().oauth2(Tokens.agent(other)).when().get("/api/v1/actions/" + id)
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(Tokens.agent(other)).contentType("application/json").body("{}")
                .when().post("/api/v1/actions/" + id + "/cancel")
                .then().statusCode(404);
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id)
                .then().statusCode(200).body("id", equalTo(id));
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/not-a-uuid")
                .then().statusCode(404);
    }

    @Test
    void longPollReturnsWhenTheDecisionCommits() throws Exception {
        String id = pending();
        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(() -> given().auth().oauth2(Tokens.agent(agent))
                .queryParam("wait", "30s").when().get("/api/v1/actions/" + id));
        Thread.sleep(300); // let the poll park; the assertion below does not depend on timing
        assertTrue(!poll.isDone(), "a pending request must keep the long-poll waiting");
        actions.approve(UUID.fromString(id), java.util.List.of("tester"), "approved by test", Actor.user("tester"));
        Response r = poll.get(20, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("APPROVED", r.path("status"));
    }

    @Test
    void longPollReturnsTheUnchangedRequestWhenTheWaitEnds() {
        String id = pending();
        given().auth().oauth2(Tokens.agent(agent)).queryParam("wait", "200ms")
                .when().get("/api/v1/actions/" + id)
                .then().statusCode(200).body("status", equalTo("PENDING_REVIEW"));
    }

    @Test
    void longPollOnADecidedRequestAnswersAtOnce() {
        String id = submit(Payloads.payment("1.00", "sandbox"));
        given().auth().oauth2(Tokens.agent(agent)).queryParam("wait", "60s")
                .when().get("/api/v1/actions/" + id)
                .then().statusCode(200).body("status", equalTo("APPROVED"));
    }

    @Test
    void refusesInvalidWaitValues() {
        String id = pending();
        for (String w : new String[] { "61s", "-1s", "soon", "PT2M" }) {
            given().auth().oauth2(Tokens.agent(agent)).queryParam("wait", w)
                    .when().get("/api/v1/actions/" + id)
                    .then().statusCode(400).body("errors[0].field", equalTo("wait"));
        }
    }

    @Test
    void cancelsAPendingRequestOnceAndRefusesIllegalTransitions() {
        String id = pending();
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{\"reason\":\"not needed\"}")
                .when().post("/api/v1/actions/" + id + "/cancel")
                .then().statusCode(200).body("status", equalTo("CANCELLED")).body("statusReason", equalTo("not needed"));
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{}")
                .when().post("/api/v1/actions/" + id + "/cancel")
                .then().statusCode(409).contentType("application/problem+json");
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{\"outcome\":\"EXECUTED\"}")
                .when().post("/api/v1/actions/" + id + "/outcome")
                .then().statusCode(409);
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id)
                .then().body("status", equalTo("CANCELLED"));
    }

    @Test
    void reportsTheOutcomeOfAnApprovedRequestOnce() {
        String id = submit(Payloads.payment("1.00", "sandbox"));
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .body("{\"outcome\":\"EXECUTED\",\"detail\":\"transfer id T-1\"}")
                .when().post("/api/v1/actions/" + id + "/outcome")
                .then().statusCode(200).body("status", equalTo("EXECUTED")).body("outcomeDetail", equalTo("transfer id T-1"));
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{\"outcome\":\"EXECUTION_FAILED\"}")
                .when().post("/api/v1/actions/" + id + "/outcome")
                .then().statusCode(409);
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{\"outcome\":\"APPROVED\"}")
                .when().post("/api/v1/actions/" + id + "/outcome")
                .then().statusCode(400);
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{\"outcome\":\"BOGUS\"}")
                .when().post("/api/v1/actions/" + id + "/outcome")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void anUnknownOutcomeListsTheAllowedOutcomes() {
        String id = submit(Payloads.payment("1.00", "sandbox"));
        for (String outcome : List.of("\"DONE\"", "\"APPROVED\"", "0")) {
            given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{\"outcome\":" + outcome + "}")
                    .when().post("/api/v1/actions/" + id + "/outcome")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", equalTo(List.of("outcome")))
                    .body("errors[0].message", equalTo("must be one of EXECUTED, EXECUTION_FAILED"));
        }
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id)
                .then().body("status", equalTo("APPROVED"));
    }

    @Test
    void cancelsAPendingRequestSentWithoutBodyOrContentType() {
        String id = pending();
        RawHttp.Response r = new RawHttp(base.toString(), 10_000).send("POST", "/api/v1/actions/" + id + "/cancel",
                List.<String[]>of(new String[] { "Authorization", "Bearer " + Tokens.agent(agent) }), null);
        assertEquals(200, r.status(), r.text());
        assertTrue(r.text().contains("\"status\":\"CANCELLED\""), r.text());
    }

    @Test
    void pendingRequestCannotReportAnOutcome() {
        String id = pending();
        given().auth().oauth2(Tokens.agent(agent)).contentType("application/json").body("{\"outcome\":\"EXECUTED\"}")
                .when().post("/api/v1/actions/" + id + "/outcome")
                .then().statusCode(409);
    }

    @Test
    void transitionTableAllowsOnlyTheDocumentedMoves() {
        assertTrue(ActionStatus.PENDING_REVIEW.canMoveTo(ActionStatus.APPROVED));
        assertTrue(ActionStatus.APPROVED.canMoveTo(ActionStatus.EXECUTED));
        for (ActionStatus terminal : List.of(ActionStatus.DENIED, ActionStatus.REJECTED, ActionStatus.EXPIRED,
                ActionStatus.CANCELLED, ActionStatus.EXECUTED, ActionStatus.EXECUTION_FAILED)) {
            assertTrue(terminal.isTerminal());
            for (ActionStatus any : ActionStatus.values()) {
                assertTrue(!terminal.canMoveTo(any), terminal + " -> " + any);
            }
        }
        assertTrue(!ActionStatus.APPROVED.canMoveTo(ActionStatus.REJECTED));
    }

    @Test
    void listsOwnRequestsWithFiltersAndCursorPagination() {
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            created.add(submit(Payloads.payment("1.0" + i, "sandbox")));
        }
        String reviewId = pending();
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            var req = given().auth().oauth2(Tokens.agent(agent)).queryParam("limit", 2).queryParam("status", "approved");
            if (cursor != null) {
                req.queryParam("cursor", cursor);
            }
            Response r = req.when().get("/api/v1/actions");
            assertEquals(200, r.statusCode());
            List<String> ids = r.path("items.id");
            seen.addAll(ids);
            cursor = r.path("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(created, seen);
        assertEquals(3, pages);
        given().auth().oauth2(Tokens.agent(agent)).queryParam("type", "db.schema.change")
                .when().get("/api/v1/actions")
                .then().statusCode(200).body("items", hasSize(1)).body("items[0].id", equalTo(reviewId))
                .body("nextCursor", nullValue());
        given().auth().oauth2(Tokens.agent(agent)).queryParam("from", "2999-01-01T00:00:00Z")
                .when().get("/api/v1/actions")
                .then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void refusesBadListParameters() {
        given().auth().oauth2(Tokens.agent(agent)).queryParam("status", "nope").queryParam("limit", 0)
                .queryParam("from", "yesterday")
                .when().get("/api/v1/actions")
                .then().statusCode(400).body("errors.field", org.hamcrest.Matchers.hasItems("status", "limit", "from"));
        given().auth().oauth2(Tokens.agent(agent)).queryParam("cursor", "garbage!")
                .when().get("/api/v1/actions")
                .then().statusCode(400).body("errors[0].field", equalTo("cursor"));
    }

    @Test
    void aBadCursorIsNamedTogetherWithTheOtherBadParameters() {
        given().auth().oauth2(Tokens.agent(agent)).queryParam("cursor", "garbage!").queryParam("status", "nope")
                .queryParam("limit", 0)
                .when().get("/api/v1/actions")
                .then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("status", "limit", "cursor"));
    }

    @Test
    void decidedRequestsCarryDecisionTime() {
        String id = pending();
        actions.transition(UUID.fromString(id), ActionStatus.REJECTED, "no", Actor.user("tester"));
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/v1/actions/" + id)
                .then().body("status", equalTo("REJECTED")).body("decidedAt", notNullValue());
    }
}
