package io.countersign.audit.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.audit.ActorKind;
import io.countersign.audit.AuditTrail;
import io.countersign.inbox.InboxClient;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The auditor pages show hidden and direction-changing characters of recorded data as marked escapes. */
@QuarkusTest
class AuditHiddenCharactersTest {

    @Inject
    AuditTrail trail;

    @Test
    void eventDataWithARightToLeftOverrideIsShownMarkedOnSearchAndTrailPages() {
        UUID request = UUID.randomUUID();
        String actor = "agent-" + UUID.randomUUID().toString().substring(0, 8);
        long id = QuarkusTransaction.requiringNew().call(() -> trail.record(ActorKind.AGENT, actor, request,
                "action.executed", Map.of("outcomeDetail", "deleted 0 rows \u202E<b>sure</b>")));
        trail.awaitSequence(id, Duration.ofSeconds(30));
        InboxClient c = InboxClient.signedIn(Tokens.auditor());
        for (String path : new String[] { "/audit?request=" + request, "/audit/requests/" + request }) {
            String html = c.get(path).then().statusCode(200).extract().body().asString();
            assertFalse(html.contains("\u202E"), path + ": raw override in the page");
            assertTrue(html.contains("deleted 0 rows <mark class=\"hidden-char\""), path + ": " + html);
            assertTrue(html.contains("\u27E8U+202E\u27E9"), path);
            assertTrue(html.contains("&lt;b&gt;sure&lt;/b&gt;"), path + ": markup stays escaped");
        }
    }
}
