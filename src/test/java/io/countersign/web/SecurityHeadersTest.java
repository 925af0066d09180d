package io.countersign.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which paths get the pages' security headers (the headers themselves: InboxPagesTest, AuditPagesTest). */
class SecurityHeadersTest {

    @Test
    void theInboxTheAuditorPagesAndTheirAssetsArePages() {
        for (String path : new String[] { "/inbox", "/inbox/", "/inbox/requests/x", "/inbox/assets/inbox.css", "/audit",
                "/audit/export", "/auth/sign-in" }) {
            assertTrue(SecurityHeaders.isPage(path), path);
        }
    }

    @Test
    void withOidcFormsMayEndAtTheProvidersOriginAndNowhereElse() {
        String csp = SecurityHeaders.cspFor(WebConfig.SignIn.OIDC, java.util.Optional.of("https://login.example.com:8443/realms/acme"));
        assertTrue(csp.contains("form-action 'self' https://login.example.com:8443;"), csp);
        assertTrue(SecurityHeaders.cspFor(WebConfig.SignIn.TOKEN, java.util.Optional.of("https://x.example")).contains(
                "form-action 'self';"));
        assertFalse(csp.contains("unsafe-inline"), csp);
    }

    @Test
    void theApiAndLookAlikePathsAreNotPages() {
        for (String path : new String[] { "/", "/inboxes", "/auditor", "/api/v1/audit/export", "/q/health", "/authx" }) {
            assertFalse(SecurityHeaders.isPage(path), path);
        }
    }
}
