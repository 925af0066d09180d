package io.countersign.inbox;

import static io.countersign.review.ReviewFixture.reviewer;
import static io.countersign.testsupport.Ids.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.countersign.common.ProblemException;
import io.countersign.identity.AgentInput;
import io.countersign.identity.AgentRegistry;
import io.countersign.review.Decision;
import io.countersign.review.ReviewFixture;
import io.countersign.review.ReviewQueries;
import io.countersign.review.ReviewService;
import io.countersign.review.Views.Reviewer;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Separation of duties (docs/inbox.md): an agent never decides, nobody approves their own agent's
 * request, and one person never counts twice, whatever the case or Unicode form of their id.
 */
@QuarkusTest
class SeparationOfDutiesTest {

    @Inject
    AgentRegistry registry;

    @Inject
    ReviewFixture fixture;

    @Inject
    ReviewService reviews;

    @Inject
    ReviewQueries queries;

    /** Registers an agent owned by {@code owner}; returns its id. */
    private String agentOwnedBy(String owner) {
        String id = unique("sec-agent");
        registry.create(new AgentInput(id, "Separation test agent", owner, List.of("db.schema.change", "payment.transfer"),
                List.of("**"), List.of("production"), new AgentInput.Quotas(1000, 100), true), "test");
        return id;
    }

    private UUID schemaChange(String agent) {
        return fixture.submit(agent, Payloads.schemaChange("production", "ALTER TABLE orders ADD COLUMN note TEXT"));
    }

    private Response openRequest(InboxClient c, String reviewerId, UUID id, String... groups) {
        fixture.awaitTask(reviewer(reviewerId, groups), id);
        return c.get("/inbox/requests/" + id);
    }

    @Test
    void tokenWithTheAgentRoleAndAPersonsRoleCannotSignIn() {
        for (String[] groups : new String[][] { { "agent", "reviewer", "dba" }, { "agent", "auditor" },
                { "agent", "admin", "reviewer" } }) {
            InboxClient c = new InboxClient();
            Response r = c.signIn(Tokens.token(unique("sec-agent"), groups));
            r.then().statusCode(403).contentType(containsString("text/html"))
                    .body(containsString("carries the agent role"))
                    .body(containsString("not a person"))
                    .body(not(containsString("Exception")));
            assertFalse(c.cookies().containsKey("countersign_session"), String.join(",", groups));
        }
    }

    @Test
    void sessionCookieOfAnAgentTokenOpensNoPage() {
        String token = Tokens.token(unique("sec-agent"), "agent", "reviewer", "dba");
        given().redirects().follow(false).cookie("countersign_session", token)
                .when().get("/inbox").then().statusCode(303).header("Location", containsString("/inbox/sign-in"));
        String auditorAgent = Tokens.token(unique("sec-agent"), "agent", "auditor");
        given().redirects().follow(false).cookie("countersign_session", auditorAgent)
                .when().get("/audit").then().statusCode(403);
    }

    @Test
    void requestingAgentCannotApproveItsOwnRequestEvenWithoutTheAgentRole() {
        String agent = agentOwnedBy(unique("olivia"));
        UUID id = schemaChange(agent);
        // the review step is created asynchronously: wait for it as a real reviewer sees it
        String dora = unique("dora");
        Response real = openRequest(InboxClient.signedIn(Tokens.reviewer(dora, "dba")), dora, id, "dba");
        // The token: sub = the agent's id, reviewer in the request's group.
        InboxClient c = InboxClient.signedIn(Tokens.reviewer(agent, "dba"));
        c.get("/inbox/requests/" + id).then().statusCode(200).body(not(containsString("id=\"approve\"")))
                .body(containsString("is an agent"));
        // the page offers no form; a form replayed with a real reviewer's fields is refused by the server
        c.decide(id, real, "approve", "").then().statusCode(403).body(containsString("is an agent"));
        c.decide(id, real, "reject", "mine").then().statusCode(403);
        // nor may it claim the step and so hold it away from the people who may decide
        c.post("/inbox/requests/" + id + "/claim", Map.of("taskKey", InboxClient.field(real, "taskKey")))
                .then().statusCode(403).body(containsString("is an agent"));
        // the same id in another case or Unicode form is the same agent
        InboxClient upper = InboxClient.signedIn(Tokens.reviewer(agent.toUpperCase(), "dba"));
        upper.get("/inbox"); // as a browser would: a page of this session carries its form token
        upper.decide(id, real, "approve", "").then().statusCode(403).body(containsString("is an agent"));
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
    }

    @Test
    void reviewerCarryingTheAgentRoleIsRefusedByTheServiceToo() {
        String agent = agentOwnedBy(unique("olivia"));
        UUID id = schemaChange(agent);
        Reviewer dora = reviewer(unique("dora"), "dba");
        var task = fixture.awaitTask(dora, id);
        String digest = queries.detail(dora, id).action().payloadSha256();
        Reviewer agentIdentity = new Reviewer(dora.userId(), Set.of("dba"), true);
        ProblemException e = assertThrows(ProblemException.class,
                () -> reviews.recordDecision(agentIdentity, id, task.taskKey(), Decision.APPROVE, "", digest));
        assertEquals(403, e.status());
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
    }

    @Test
    void ownerIsRecognisedWhateverTheCaseOrUnicodeFormOfTheirId() {
        String owner = unique("olivia");
        String agent = agentOwnedBy(owner);
        UUID id = schemaChange(agent);
        for (String variant : List.of(owner.substring(0, 1).toUpperCase() + owner.substring(1), owner.toUpperCase(),
                fullwidth(owner), "\u200B" + owner)) {
            InboxClient c = InboxClient.signedIn(Tokens.reviewer(variant, "dba"));
            Response page = openRequest(c, variant, id, "dba");
            page.then().statusCode(200).body(not(containsString("id=\"approve\""))).body(containsString("cannot approve"));
            c.decide(id, page, "approve", "").then().statusCode(403).body(containsString("can never approve"));
        }
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
    }

    @Test
    void onePersonNeverCountsTwiceWhateverTheCaseOfTheirId() {
        String agent = agentOwnedBy(unique("paul"));
        UUID id = fixture.submit(agent, Payloads.payment("25000.00", "production"));
        String fred = unique("fred");
        InboxClient f1 = InboxClient.signedIn(Tokens.reviewer(fred, "finance"));
        f1.decide(id, openRequest(f1, fred, id, "finance"), "approve", "first").then().statusCode(303);
        String fredUpper = fred.toUpperCase();
        InboxClient f2 = InboxClient.signedIn(Tokens.reviewer(fredUpper, "finance"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> f2.get("/inbox/requests/" + id).body().asString().contains("1 of 2"));
        Response second = f2.get("/inbox/requests/" + id);
        second.then().body(not(containsString("id=\"approve\""))).body(containsString("already approved"));
        f2.decide(id, second, "approve", "again").then().statusCode(403).body(containsString("different person"));
        assertEquals("PENDING_REVIEW", fixture.status(agent, id));
    }

    private static String fullwidth(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(ch -> sb.append(ch >= '!' && ch <= '~' ? (char) (ch - '!' + '\uFF01') : (char) ch));
        return sb.toString();
    }
}
