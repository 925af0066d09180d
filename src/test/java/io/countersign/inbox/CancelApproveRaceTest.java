package io.countersign.inbox;

import static io.countersign.review.ReviewFixture.reviewer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.audit.AuditSequencer;
import io.countersign.review.ReviewFixture;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * An approval racing the agent's cancellation either wins entirely (its decision is in the trail
 * before the cancellation) or loses with 409 "no longer in review"; no decision ever follows the
 * terminal event of its request (docs/security.md).
 */
@QuarkusTest
class CancelApproveRaceTest {

    private static final int PAIRS = 50;
    private static final int PAIRS_AT_ONCE = 5;
    private static final Set<String> TERMINAL = Set.of("action.cancelled", "action.approved", "action.rejected",
            "action.expired");

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    AuditSequencer sequencer;

    @Inject
    DataSource dataSource;

    /** One try: the request, the reviewer's signed-in client and the page they decide on. */
    private record Pair(UUID id, InboxClient reviewer, Response page) {
    }

    /** What each side of one try was answered. */
    private record Outcome(UUID id, int approve, String approveBody, int cancel) {
    }

    /** One audit event of a request, in trail order. */
    private record Event(long seq, String type, String actor, String data) {
    }

    @Test
    void approvalRacingCancellationWinsEntirelyOrLosesWith409() throws Exception {
        String agent = agents.register();
        String dora = "dora-" + UUID.randomUUID().toString().substring(0, 8);
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            UUID id = fixture.submit(agent, Payloads.schemaChange("production", "ALTER TABLE t" + i + " ADD COLUMN c TEXT"));
            InboxClient c = InboxClient.signedIn(Tokens.reviewer(dora, "dba"));
            fixture.awaitTask(reviewer(dora, "dba"), id);
            Response page = c.get("/inbox/requests/" + id);
            assertEquals(200, page.statusCode());
            pairs.add(new Pair(id, c, page));
        }

        List<Outcome> outcomes = new ArrayList<>();
        for (int from = 0; from < PAIRS; from += PAIRS_AT_ONCE) {
            outcomes.addAll(race(agent, pairs.subList(from, Math.min(PAIRS, from + PAIRS_AT_ONCE))));
        }

        for (Outcome o : outcomes) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Set.of("CANCELLED", "APPROVED").contains(fixture.status(agent, o.id())));
        }
        while (sequencer.sequenceBatch() > 0) {
            // chain every committed event, so the trail order below is final
        }
        List<String> violations = new ArrayList<>();
        int approvalsWon = 0;
        for (Outcome o : outcomes) {
            List<Event> trail = trail(o.id());
            int terminal = firstTerminal(trail);
            boolean decidedBeforeTerminal = false;
            for (int i = 0; i < trail.size(); i++) {
                Event e = trail.get(i);
                if (!e.type().equals("review.decided")) {
                    continue;
                }
                if (terminal >= 0 && i > terminal) {
                    violations.add(o.id() + ": review.decided after " + trail.get(terminal).type() + " " + trail);
                } else if (e.data().contains("\"decision\":\"APPROVE\"") && e.actor().equals(dora)) {
                    decidedBeforeTerminal = true;
                }
            }
            if (o.approve() == 303) {
                approvalsWon++;
                if (!decidedBeforeTerminal) {
                    violations.add(o.id() + ": approval answered 303 but no decision precedes the terminal event " + trail);
                }
            } else if (o.approve() == 409) {
                if (!o.approveBody().contains("no longer in review")) {
                    violations.add(o.id() + ": the 409 page does not say the request is no longer in review");
                }
                if (trail.stream().anyMatch(e -> e.type().equals("review.decided"))) {
                    violations.add(o.id() + ": approval answered 409 but a decision was recorded " + trail);
                }
            } else {
                violations.add(o.id() + ": approval answered " + o.approve());
            }
            if (o.cancel() != 200 && o.cancel() != 409) {
                violations.add(o.id() + ": cancellation answered " + o.cancel());
            }
        }
        assertTrue(violations.isEmpty(), violations.size() + " violations in " + PAIRS + " tries ("
                + approvalsWon + " approvals won):\n" + String.join("\n", violations));
    }

    /** Fires the approval and the cancellation of every pair at the same moment. */
    private List<Outcome> race(String agent, List<Pair> batch) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(batch.size() * 2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Response>> approvals = new ArrayList<>();
            List<Future<Integer>> cancels = new ArrayList<>();
            for (Pair p : batch) {
                approvals.add(pool.submit(() -> {
                    go.await();
                    return p.reviewer().decide(p.id(), p.page(), "approve", "race");
                }));
                cancels.add(pool.submit(() -> {
                    go.await();
                    return given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON).body("{}")
                            .when().post("/api/v1/actions/" + p.id() + "/cancel").then().extract().statusCode();
                }));
            }
            go.countDown();
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Response a = approvals.get(i).get();
                out.add(new Outcome(batch.get(i).id(), a.statusCode(), a.body().asString(), cancels.get(i).get()));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int firstTerminal(List<Event> trail) {
        for (int i = 0; i < trail.size(); i++) {
            if (TERMINAL.contains(trail.get(i).type())) {
                return i;
            }
        }
        return -1;
    }

    private List<Event> trail(UUID requestId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT seq, event_type, actor_id, data FROM audit_event WHERE request_id = ? ORDER BY seq")) {
            ps.setObject(1, requestId);
            List<Event> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return out;
        }
    }
}
