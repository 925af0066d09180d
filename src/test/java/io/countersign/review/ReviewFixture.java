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
import javax.sql.DataSource;
import io.countersign.engine.UserTaskView;
import io.countersign.engine.WorkflowInspection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Submits requests as an agent and waits for their review tasks; shared by the review and inbox tests. */
@ApplicationScoped
public class ReviewFixture {

    @Inject
    ReviewService reviews;

    @Inject
    ReviewQueries queries;

    @Inject
    WorkflowInspection inspection;

    @Inject
    DataSource dataSource;

    /** One row of the engine outbox, as the tests need it. */
    public record OutboxRow(String dedupKey, String orderingKey, String type, String status, Long resultKey,
            String outcome, String payload) {
    }

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
        return queries.inbox(who, new InboxQuery(null, null, null, null, 1, 500)).tasks().stream()
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

    /** The outbox rows whose dedup key starts with {@code prefix}, oldest first. */
    public List<OutboxRow> outbox(String prefix) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT dedup_key, "
                + "ordering_key, command_type, status, result_key, outcome, payload FROM outbox_command "
                + "WHERE dedup_key LIKE ? ORDER BY id")) {
            ps.setString(1, prefix + "%");
            List<OutboxRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long key = rs.getLong(5);
                    rows.add(new OutboxRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.wasNull() ? null : key, rs.getString(6), rs.getString(7)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every outbox row with the prefix (at least one) is delivered; returns them. */
    public List<OutboxRow> awaitDelivered(String prefix) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<OutboxRow> rows = outbox(prefix);
            return !rows.isEmpty() && rows.stream().allMatch(r -> r.status().equals("DELIVERED"));
        });
        return outbox(prefix);
    }

    /** The engine's view of a review task of the request (embedded engine: strongly consistent). */
    public UserTaskView engineTask(UUID requestId, long taskKey) {
        long instance = reviews.process(requestId).orElseThrow().processInstanceKey;
        return inspection.userTasks(instance).stream().filter(t -> t.userTaskKey() == taskKey).findFirst()
                .orElseThrow(() -> new AssertionError("no open engine task " + taskKey));
    }

    public static Reviewer reviewer(String user, String... groups) {
        return new Reviewer(user, Set.of(groups));
    }
}
