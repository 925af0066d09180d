package io.countersign.review;

import static io.countersign.review.ReviewFixture.reviewer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.review.Views.Reviewer;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.PolicyFileProfile;
import io.countersign.testsupport.TestAgents;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The process's timers: escalation before the deadline, expiry at the deadline. */
@QuarkusTest
@TestProfile(PolicyFileProfile.class)
class ReviewTimeoutTest {

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    ReviewQueries queries;

    @Test
    void unansweredReviewIsEscalatedThenExpires() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.submission("ops.restart", "svc:api", "production", "{\"service\":\"api\"}"));
        Reviewer oncall = reviewer("olly-" + UUID.randomUUID(), "oncall");
        Reviewer security = reviewer("sam-" + UUID.randomUUID(), "security");
        fixture.awaitTask(oncall, id);
        // the non-interrupting timer adds the escalation group to the open task and records it
        Views.TaskSummary escalated = fixture.awaitTask(security, id);
        assertTrue(escalated.groups().containsAll(java.util.List.of("oncall", "security")), "the original group keeps the task");
        assertTrue(queries.detail(security, id).timeline().stream().anyMatch(e -> e.kind().equals("review.escalated")));
        // ... and, through the outbox, to the engine's user task
        ReviewFixture.OutboxRow update = fixture.awaitDelivered("review-escalate:" + escalated.taskKey() + ":").get(0);
        assertEquals("UPDATE_CANDIDATE_GROUPS", update.type());
        assertEquals("delivered", update.outcome());
        assertEquals(java.util.Set.of("oncall", "security"),
                java.util.Set.copyOf(fixture.engineTask(id, escalated.taskKey()).candidateGroups()));
        // the interrupting timer ends the request as EXPIRED and closes the task
        fixture.awaitStatus(agent, id, "EXPIRED");
        TaskAwait.until(() -> fixture.openTask(oncall, id).isEmpty());
        assertEquals("EXPIRED", fixture.status(agent, id));
    }

    @Test
    void revisionIsRefusedUnlessChangesWereRequested() {
        String agent = agents.register();
        UUID id = fixture.submit(agent, Payloads.submission("ops.restart", "svc:api", "production", "{\"service\":\"api\"}"));
        io.restassured.RestAssured.given().auth().oauth2(io.countersign.testsupport.Tokens.agent(agent))
                .contentType("application/json")
                .body("{\"summary\":\"s\",\"justification\":\"j\",\"payload\":{\"service\":\"api\"}}")
                .when().post("/api/v1/actions/" + id + "/revisions")
                .then().statusCode(409).contentType("application/problem+json");
        io.restassured.RestAssured.given().auth().oauth2(io.countersign.testsupport.Tokens.agent(agent))
                .contentType("application/json")
                .body("{\"type\":\"payment.transfer\",\"summary\":\"s\",\"justification\":\"j\",\"payload\":{}}")
                .when().post("/api/v1/actions/" + id + "/revisions")
                .then().statusCode(400).body("errors[0].field", org.hamcrest.Matchers.equalTo("type"));
    }

    /** Awaits a condition for up to 30 s. */
    static final class TaskAwait {
        static void until(java.util.concurrent.Callable<Boolean> c) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(c);
        }
    }
}
