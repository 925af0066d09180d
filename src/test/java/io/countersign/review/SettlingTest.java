package io.countersign.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.countersign.review.Views.DecisionView;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the request page says while a decided review has not yet moved the request out of
 * PENDING_REVIEW ({@link ReviewQueries#settling}).
 */
class SettlingTest {

    private static final String V1 = "a".repeat(64);
    private static final String V2 = "b".repeat(64);

    private static DecisionView d(Decision decision, int round, String digest) {
        return new DecisionView(UUID.randomUUID(), "s", "fred", decision, "c", digest, round, OffsetDateTime.now());
    }

    @Test
    void anOpenReviewIsNotSettling() {
        assertNull(ReviewQueries.settling(List.of(), 1, 0, 1, V1));
        assertNull(ReviewQueries.settling(List.of(d(Decision.APPROVE, 1, V1)), 1, 1, 2, V1), "one of two approvals");
    }

    @Test
    void theDecisionThatSettlesTheRoundIsNamed() {
        assertEquals("Approved: the release is being prepared.",
                ReviewQueries.settling(List.of(d(Decision.APPROVE, 1, V1), d(Decision.APPROVE, 1, V1)), 1, 2, 2, V1));
        assertEquals("Rejected: the process is closing the request.",
                ReviewQueries.settling(List.of(d(Decision.APPROVE, 1, V1), d(Decision.REJECT, 1, V1)), 1, 1, 2, V1));
        // a request for changes opens the next round at once
        assertEquals("Changes requested: the request is on its way back to the agent.",
                ReviewQueries.settling(List.of(d(Decision.REQUEST_CHANGES, 1, V1)), 2, 0, 1, V1));
    }

    @Test
    void aRevisionAfterARequestForChangesIsAnOpenReviewAgain() {
        assertNull(ReviewQueries.settling(List.of(d(Decision.REQUEST_CHANGES, 1, V1)), 2, 0, 1, V2));
        assertNull(ReviewQueries.settling(List.of(d(Decision.REJECT, 1, V1)), 2, 0, 1, V2), "an old round's rejection");
    }
}
