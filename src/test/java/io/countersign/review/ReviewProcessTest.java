package io.countersign.review;

import static io.countersign.review.ReviewFixture.reviewer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.review.Views.Reviewer;
import io.countersign.review.Views.TaskSummary;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReviewProcessTest {

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    ReviewService reviews;

    @Inject
    ReviewQueries queries;

    @Test
    void productionSchemaChangeIsApprovedByOneDba() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.schemaChange("production", "ALTER TABLE orders ADD COLUMN note TEXT"));
        Reviewer dora = reviewer("dora-" + UUID.randomUUID(), "dba");
        TaskSummary task = fixture.awaitTask(dora, id);
        assertEquals("dba", String.join(",", task.groups()));
        String digest = queries.detail(dora, id).action().payloadSha256();
        reviews.recordDecision(dora, id, task.taskKey(), Decision.APPROVE, "looks fine", digest);
        fixture.awaitStatus(agent, id, "APPROVED");
        assertTrue(fixture.openTask(dora, id).isEmpty());
        // the approval names its approver, so the agent gets a release token bound to the payload
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> io.restassured.RestAssured
                .given().auth().oauth2(io.countersign.testsupport.Tokens.agent(agent))
                .when().get("/api/v1/actions/" + id).then().statusCode(200).extract().path("release.token") != null);
        // the reviewer's decision, with its comment, is in the request's decision trail
        io.restassured.RestAssured.given().auth().oauth2(io.countersign.testsupport.Tokens.auditor())
                .when().get("/api/v1/audit/requests/" + id)
                .then().statusCode(200)
                .body("events.type", org.hamcrest.Matchers.hasItems("action.submitted", "review.decided",
                        "action.approved", "release.issued"))
                .body("events.find { it.type == 'review.decided' }.actorId", org.hamcrest.Matchers.equalTo(dora.userId()));
    }
}
