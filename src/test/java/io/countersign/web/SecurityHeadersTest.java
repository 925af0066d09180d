package io.countersign.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which paths get the pages' security headers (the headers themselves: InboxPagesTest, AuditPagesTest). */
class SecurityHeadersTest {

    @Test
    void theInboxTheAuditorPagesAndTheirAssetsArePages() {
        for (String path : new String[] { "/inbox", "/inbox/", "/inbox/requests/x", "/inbox/assets/inbox.css", "/audit",
                "/audit/export" }) {
            assertTrue(SecurityHeaders.isPage(path), path);
        }
    }

    @Test
    void theApiAndLookAlikePathsAreNotPages() {
        for (String path : new String[] { "/", "/inboxes", "/auditor", "/api/v1/audit/export", "/q/health" }) {
            assertFalse(SecurityHeaders.isPage(path), path);
        }
    }
}
