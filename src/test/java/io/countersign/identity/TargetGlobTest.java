package io.countersign.identity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TargetGlobTest {

    @Test
    void singleStarStaysWithinOneSegment() {
        TargetGlob g = TargetGlob.compile("db://prod/*");
        assertTrue(g.matches("db://prod/orders"));
        assertFalse(g.matches("db://prod/orders/extra"));
        assertFalse(g.matches("db://staging/orders"));
    }

    @Test
    void doubleStarCrossesSegments() {
        TargetGlob g = TargetGlob.compile("github.com/acme/**");
        assertTrue(g.matches("github.com/acme/api"));
        assertTrue(g.matches("github.com/acme/x/y"));
        assertFalse(g.matches("github.com/evil/acme/api"));
    }

    @Test
    void regexCharactersAreLiteral() {
        TargetGlob g = TargetGlob.compile("acct:(a|b).+");
        assertTrue(g.matches("acct:(a|b).+"));
        assertFalse(g.matches("acct:a.x"));
        assertTrue(TargetGlob.compile("svc:web-?").matches("svc:web-1"));
        assertFalse(TargetGlob.compile("svc:web-?").matches("svc:web-/"));
    }
}
