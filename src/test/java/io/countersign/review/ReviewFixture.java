package io.countersign.review;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.countersign.review.Views.InboxQuery;
import io.countersign.review.Views.Reviewer;
import io.countersign.review.Views.TaskSummary;
import io.countersign.testsupport.Tokens;
import io.restassured.http.ContentType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Submits requests as an agent and waits for their review tasks; shared by the review and inbox tests. */
@ApplicationScoped
public class ReviewFixture {

    @Inject
    ReviewService reviews;

    /** Submits {@code body} as {@code agentId} and returns the new request id. */
    public UUID submit(String agentId, String body) {
        String id = given().auth().oauth2(Tokens.agent(agentId)).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/actions")
                .then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    /** Waits until an open task of the request is visible to {@code who}; returns it. */
    public TaskSummary awaitTask(Reviewer who, UUID requestId) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> openTask(who, requestId), Optional::isPresent).get();
    }

    /** An open task of the request visible to {@code who}, if any. */
    public Optional<TaskSummary> openTask(Reviewer who, UUID requestId) {
        return reviews.inbox(who, new InboxQuery(null, null, null, null, 1, 500)).tasks().stream()
                .filter(t -> t.requestId().equals(requestId)).findFirst();
    }

    /** The agent's view of the request's status. */
    public String status(String agentId, UUID requestId) {
        return given().auth().oauth2(Tokens.agent(agentId))
                .when().get("/api/v1/actions/" + requestId)
                .then().statusCode(200).extract().path("status");
    }

    /** Waits until the request has {@code status}. */
    public void awaitStatus(String agentId, UUID requestId, String status) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(status(agentId, requestId)));
    }

    public static Reviewer reviewer(String user, String... groups) {
        return new Reviewer(user, Set.of(groups));
    }
}
