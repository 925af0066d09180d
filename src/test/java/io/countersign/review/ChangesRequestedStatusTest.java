package io.countersign.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.action.ActionStatus;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The CHANGES_REQUESTED status the review adds to the request lifecycle. */
class ChangesRequestedStatusTest {

    @Test
    void reviewCanSendARequestBackAndTheRevisionReturnsItToReview() {
        assertTrue(ActionStatus.PENDING_REVIEW.canMoveTo(ActionStatus.CHANGES_REQUESTED));
        assertEquals(EnumSet.of(ActionStatus.PENDING_REVIEW, ActionStatus.CANCELLED, ActionStatus.EXPIRED),
                EnumSet.allOf(ActionStatus.class).stream().filter(ActionStatus.CHANGES_REQUESTED::canMoveTo)
                        .collect(java.util.stream.Collectors.toCollection(() -> EnumSet.noneOf(ActionStatus.class))));
        assertEquals(EnumSet.of(ActionStatus.CHANGES_REQUESTED), ActionStatus.sourcesOf(ActionStatus.PENDING_REVIEW));
    }

    @Test
    void changesRequestedCannotBeApprovedOrRejectedDirectly() {
        assertFalse(ActionStatus.CHANGES_REQUESTED.canMoveTo(ActionStatus.APPROVED));
        assertFalse(ActionStatus.CHANGES_REQUESTED.canMoveTo(ActionStatus.REJECTED));
        assertFalse(ActionStatus.CHANGES_REQUESTED.isTerminal());
        assertTrue(ActionStatus.CHANGES_REQUESTED.inReview());
        assertFalse(ActionStatus.APPROVED.inReview());
    }
}
