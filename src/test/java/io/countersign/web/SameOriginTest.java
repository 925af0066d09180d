package io.countersign.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Origin/Referer check of form posts, without a server. */
class SameOriginTest {

    @Test
    void anOriginNamingTheHostMatchesWithEitherSchemeAndDefaultPorts() {
        assertTrue(SameOrigin.matches("countersign.example", "https://countersign.example", null));
        assertTrue(SameOrigin.matches("countersign.example", "http://countersign.example", null));
        assertTrue(SameOrigin.matches("countersign.example:443", "https://countersign.example", null));
        assertTrue(SameOrigin.matches("countersign.example", "https://countersign.example:443", null));
        assertTrue(SameOrigin.matches("localhost:8081", "http://localhost:8081", null));
        assertTrue(SameOrigin.matches("Countersign.Example", "HTTPS://countersign.example", null));
    }

    @Test
    void aRefererCountsOnlyWhenThereIsNoOrigin() {
        assertTrue(SameOrigin.matches("countersign.example", null, "https://countersign.example/inbox/requests/1"));
        assertFalse(SameOrigin.matches("countersign.example", "https://evil.example",
                "https://countersign.example/inbox"));
    }

    @Test
    void foreignMissingAndMalformedOriginsAreRefused() {
        assertFalse(SameOrigin.matches("countersign.example", "https://evil.example", null));
        assertFalse(SameOrigin.matches("countersign.example", "https://countersign.example.evil.example", null));
        assertFalse(SameOrigin.matches("localhost:8081", "http://localhost:8082", null));
        assertFalse(SameOrigin.matches("countersign.example", "null", null));
        assertFalse(SameOrigin.matches("countersign.example", "not a uri", null));
        assertFalse(SameOrigin.matches("countersign.example", "ftp://countersign.example", null));
        assertFalse(SameOrigin.matches("countersign.example", "https://user@countersign.example", null));
        assertFalse(SameOrigin.matches("countersign.example", null, null));
        assertFalse(SameOrigin.matches(null, "https://countersign.example", null));
        assertFalse(SameOrigin.matches(" ", "https://countersign.example", null));
    }
}
