package io.countersign.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.identity.dev.DemoIdentities;
import io.countersign.inbox.InboxClient;
import io.restassured.response.Response;
import java.util.UUID;

/** What a demo reviewer does in the browser, over the inbox's own forms (sign-in, request page, decision). */
final class DemoInbox {

    private DemoInbox() {
    }

    /** {@code person} signs in and takes {@code decision} on request {@code id}; fails unless the inbox accepts it. */
    static void decide(DemoIdentities demo, String person, UUID id, String decision) {
        InboxClient inbox = InboxClient.signedIn(demo.tokens().get(person));
        Response page = inbox.get("/inbox/requests/" + id);
        assertEquals(200, page.statusCode(), person + " cannot open request " + id);
        Response decided = inbox.decide(id, page, decision, "Checked (" + person + ")");
        assertEquals(303, decided.statusCode(), person + "'s " + decision + " of " + id + " was refused: "
                + decided.body().asString());
    }
}
