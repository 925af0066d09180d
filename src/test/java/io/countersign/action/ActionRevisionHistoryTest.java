package io.countersign.action;

import static io.countersign.review.ReviewFixture.reviewer;
import static io.countersign.testsupport.Ids.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.inbox.InboxClient;
import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each revision keeps what it replaced, for the reviewer's diff against the previous revision. */
@QuarkusTest
class ActionRevisionHistoryTest {

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    ActionService actions;

    private void requestChanges(String agent, UUID id) {
        String dora = unique("dora");
        fixture.awaitTask(reviewer(dora, "dba"), id);
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(dora, "dba"));
        c.decide(id, c.get("/inbox/requests/" + id), "request-changes", "not like this").then().statusCode(303);
        fixture.awaitStatus(agent, id, "CHANGES_REQUESTED");
    }

    private static int revise(String agent, UUID id, String summary, String statement) {
        return given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON)
                .body("{\"summary\":\"" + summary + "\",\"justification\":\"j\",\"payload\":{\"database\":\"orders\","
                        + "\"statements\":[\"" + statement + "\"]}}")
                .when().post("/api/v1/actions/" + id + "/revisions").then().extract().statusCode();
    }

    @Test
    void everyRevisionKeepsTheOneItReplacedAndARefusedRevisionKeepsNothing() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "DROP TABLE orders_old"));
        assertTrue(actions.previousRevision(id).isEmpty(), "never revised");
        String original = actions.find(id).orElseThrow().payloadSha256();

        requestChanges(agent, id);
        assertEquals(200, revise(agent, id, "Rename instead", "ALTER TABLE orders_old RENAME TO orders_archive"));
        ActionRevision first = actions.previousRevision(id).orElseThrow();
        assertEquals(0, first.revision());
        assertEquals("test summary", first.summary());
        assertEquals("test justification", first.justification());
        assertEquals("DROP TABLE orders_old", first.payload().path("statements").get(0).asText());
        assertEquals(original, first.payloadSha256());

        // not CHANGES_REQUESTED any more: refused, and nothing is kept for it
        assertEquals(409, revise(agent, id, "Sneaky", "DROP TABLE orders"));
        assertEquals(0, actions.previousRevision(id).orElseThrow().revision());

        requestChanges(agent, id);
        assertEquals(200, revise(agent, id, "Archive schema", "ALTER TABLE orders_old SET SCHEMA archive"));
        ActionRevision second = actions.previousRevision(id).orElseThrow();
        assertEquals(1, second.revision());
        assertEquals("Rename instead", second.summary());
        assertEquals("ALTER TABLE orders_old RENAME TO orders_archive",
                second.payload().path("statements").get(0).asText());
    }
}
