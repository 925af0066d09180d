package io.countersign.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared web session: what a verified token becomes, and the cookies that carry it. */
@QuarkusTest
class WebSessionTest {

    @Inject
    WebSession session;

    @Inject
    WebConfig config;

    @Test
    void aReviewersTokenBecomesASignedInPersonWithGroupsApartFromRoles() {
        SignedInPerson p = session.verify(Tokens.reviewer("rita", "dba", "finance")).orElseThrow().person();
        assertEquals("rita", p.subject());
        assertEquals("rita", p.displayName());
        assertEquals(Set.of("dba", "finance"), p.groups());
        assertEquals(Set.of("reviewer"), p.roles());
        assertTrue(p.hasRole("reviewer"));
        assertFalse(p.isAgent());
    }

    @Test
    void theDisplayNameComesFromTheNameClaimAndNeverReplacesTheSubject() {
        String token = Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("u-1234")
                .claim("name", "Rita Example").groups(Set.of("auditor")).issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(600))
                .jws().keyId(Tokens.KID).sign();
        SignedInPerson p = session.verify(token).orElseThrow().person();
        assertEquals("u-1234", p.subject());
        assertEquals("Rita Example", p.displayName());
        assertTrue(p.hasRole("auditor"));
    }

    @Test
    void anAgentsTokenClaimingAPersonsRoleIsMarked() {
        assertTrue(session.verify(Tokens.token("bot", "agent", "reviewer")).orElseThrow().person()
                .isAgentClaimingAPersonsRole());
        SignedInPerson agent = session.verify(Tokens.agent("bot")).orElseThrow().person();
        assertTrue(agent.isAgent());
        assertFalse(agent.isAgentClaimingAPersonsRole());
    }

    @Test
    void invalidTokensOpenNoSession() {
        String expired = Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("rita").groups(Set.of("reviewer"))
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .jws().keyId(Tokens.KID).sign();
        String otherIssuer = Jwt.issuer("https://evil.example").audience(Tokens.AUDIENCE).subject("rita")
                .groups(Set.of("reviewer")).expiresAt(Instant.now().plusSeconds(600)).jws().keyId(Tokens.KID).sign();
        String[] tokens = { null, "", "   ", "not-a-jwt", expired, otherIssuer, "x".repeat(20_000) };
        String[] names = { "null", "empty", "blank", "garbage", "expired", "other issuer", "oversized" };
        for (int i = 0; i < tokens.length; i++) {
            assertTrue(session.verify(tokens[i]).isEmpty(), names[i]);
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictForAllPagesAndExpiresWithTheToken() {
        WebSession.Session s = session.verify(Tokens.reviewer("rita", "dba")).orElseThrow();
        NewCookie c = session.sessionCookie(Tokens.reviewer("rita", "dba"), s.expiresAt());
        assertEquals("countersign_session", c.getName());
        assertEquals("/", c.getPath());
        assertTrue(c.isHttpOnly());
        assertEquals(NewCookie.SameSite.STRICT, c.getSameSite());
        assertTrue(c.getMaxAge() > 590 && c.getMaxAge() <= 600, "max-age " + c.getMaxAge());
        NewCookie cleared = session.clearedSessionCookie();
        assertEquals(0, cleared.getMaxAge());
        assertEquals("/", cleared.getPath());
    }

    @Test
    void theTestProfileTurnsSecureCookiesOffThroughTheOldKeyName() {
        // application.properties sets %dev,test.countersign.inbox.secure-cookies=false (the first name).
        assertFalse(config.secureCookies());
        assertFalse(session.clearedSessionCookie().isSecure());
        assertEquals("countersign_csrf", config.csrfCookie());
    }
}
