package io.countersign.inbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The inbox's CSRF tokens are bound to the session and every form must come from this site. */
@QuarkusTest
class CsrfTest {

    private static String reviewerToken() {
        return Tokens.reviewer("rev-" + UUID.randomUUID().toString().substring(0, 8), "dba");
    }

    /** The cookies of {@code c}, with the pre-session cookie replaced. */
    private static Map<String, String> withCsrfCookie(InboxClient c, String value) {
        Map<String, String> cookies = new java.util.LinkedHashMap<>(c.cookies());
        cookies.put("countersign_csrf", value);
        return cookies;
    }

    @Test
    void anAttackerChosenCookieAndFormPairIsRefused() {
        String planted = "A".repeat(43);
        // Sign-in (login CSRF) with a planted pre-session cookie and the same value in the form.
        given().redirects().follow(false).cookie("countersign_csrf", planted).header("Origin", new InboxClient().origin())
                .contentType("application/x-www-form-urlencoded").formParam("_csrf", planted)
                .formParam("token", reviewerToken())
                .when().post("/inbox/sign-in")
                .then().statusCode(403).body(containsString("csrf-token-invalid"));
        // And in a signed-in session.
        InboxClient c = InboxClient.signedIn(reviewerToken());
        c.get("/inbox").then().statusCode(200);
        given().redirects().follow(false).cookies(withCsrfCookie(c, planted)).header("Origin", c.origin())
                .contentType("application/x-www-form-urlencoded").formParam("_csrf", planted)
                .when().post("/inbox/sign-out")
                .then().statusCode(403).body(containsString("csrf-token-invalid"));
    }

    @Test
    void aTokenOfOneSessionIsRefusedInAnother() {
        InboxClient a = InboxClient.signedIn(reviewerToken());
        a.get("/inbox").then().statusCode(200);
        InboxClient b = InboxClient.signedIn(reviewerToken());
        b.get("/inbox").then().statusCode(200);
        assertNotEquals(a.csrf(), b.csrf());
        // Even with A's pre-session cookie planted in B's browser, A's token is not B's.
        Map<String, String> bWithA = new java.util.LinkedHashMap<>(b.cookies());
        if (a.cookies().containsKey("countersign_csrf")) {
            bWithA.put("countersign_csrf", a.cookies().get("countersign_csrf"));
        }
        given().redirects().follow(false).cookies(bWithA).header("Origin", b.origin())
                .contentType("application/x-www-form-urlencoded").formParam("_csrf", a.csrf())
                .when().post("/inbox/sign-out")
                .then().statusCode(403).body(containsString("csrf-token-invalid"));
        // B's own token works.
        assertEquals(303, b.post("/inbox/sign-out", Map.of()).statusCode());
    }

    @Test
    void theTokenFollowsTheSessionAcrossSignIn() {
        InboxClient c = new InboxClient();
        c.get("/inbox/sign-in").then().statusCode(200);
        String before = c.csrf();
        assertEquals(303, c.post("/inbox/sign-in", Map.of("token", reviewerToken())).statusCode());
        c.get("/inbox").then().statusCode(200);
        assertNotEquals(before, c.csrf(), "the pre-session token must not stay valid once signed in");
        Response stale = c.postWithoutCsrf("/inbox/sign-out", Map.of("_csrf", before));
        assertEquals(403, stale.statusCode());
        assertEquals(303, c.post("/inbox/sign-out", Map.of()).statusCode());
    }

    @Test
    void aFormWithoutOriginAndRefererIsRefused() {
        InboxClient c = InboxClient.signedIn(reviewerToken());
        c.get("/inbox").then().statusCode(200);
        Response r = c.postWithHeaders("/inbox/sign-out", Map.of(), Map.of());
        assertEquals(403, r.statusCode());
        assertTrue(r.asString().contains("cross-origin-form"), r.asString());
    }

    @Test
    void aFormFromAnotherOriginOrRefererIsRefused() {
        InboxClient c = InboxClient.signedIn(reviewerToken());
        c.get("/inbox").then().statusCode(200);
        for (Map<String, String> h : java.util.List.of(Map.of("Origin", "https://evil.example"),
                Map.of("Origin", "null"), Map.of("Referer", "https://evil.example/inbox"),
                Map.of("Origin", c.origin() + ".evil.example"), Map.of("Referer", "https://user@" + c.origin().substring(7)))) {
            Response r = c.postWithHeaders("/inbox/sign-out", Map.of(), h);
            assertEquals(403, r.statusCode(), h.toString());
            assertTrue(r.asString().contains("cross-origin-form"), h + ": " + r.asString());
        }
    }

    @Test
    void aRefererOfThisSiteIsEnoughWhenTheBrowserSendsNoOrigin() {
        InboxClient c = InboxClient.signedIn(reviewerToken());
        c.get("/inbox").then().statusCode(200);
        Response r = c.postWithHeaders("/inbox/sign-out", Map.of(), Map.of("Referer", c.origin() + "/inbox"));
        assertEquals(303, r.statusCode(), r.asString());
    }
}
