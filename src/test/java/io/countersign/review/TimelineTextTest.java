package io.countersign.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.countersign.review.Views.TimelineEntry;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The timeline in the reviewer's words, for every event kind the review service records. */
class TimelineTextTest {

    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-12-03T12:00:00Z");

    private static TimelineEntry entry(String kind, String actor, String detail) {
        return TimelineText.entry(AT, kind, actor, detail);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "review.started|null|Approval process start sent to the workflow engine|Review requested",
            "task.created|null|Review step open for dba|Sent to dba review",
            "task.created|null|Review step open for finance, treasury (revision 2)|Sent to finance, treasury review (revision 2)",
            "task.closed|null|Review step closed by the process|Review step closed",
            "task.claimed|alice|Assigned to alice|Claimed by alice",
            "task.unclaimed|alice|null|Released by alice for the group to take",
            "task.reassigned|alice|Assigned to bob|Reassigned by alice to bob",
            "decision.approve|alice|null|Approved by alice",
            "review.restarted|null|The agent submitted a revision; earlier approvals no longer count|"
                    + "The agent submitted a revision: review starts again, earlier approvals no longer count",
            "review.reminder|null|Review deadline approaching|Deadline approaching: reminder sent",
            "review.escalated|null|Deadline approaching: escalated to oncall|Deadline approaching: escalated to oncall",
            "review.approved|null|Process ended: request APPROVED|Review finished: approved",
            "review.rejected|null|Process ended: request REJECTED|Review finished: rejected",
            "review.expired|null|Process ended: request EXPIRED|Review finished: expired without a decision",
            "review.cancelled|null|Process ended: request CANCELLED|Review finished: cancelled by the agent" })
    void everyRecordedKindReadsAsASentenceWithoutItsRawType(String kind, String actor, String detail, String sentence) {
        TimelineEntry e = entry(kind, actor, detail);
        assertEquals(sentence, e.sentence());
        assertNull(e.note(), "the detail is said by the sentence");
        assertEquals(kind, e.kind());
    }

    @Test
    void decisionsCarryTheReviewersCommentAsTheNote() {
        TimelineEntry changes = entry("decision.request-changes", "bob", "Use the new IBAN");
        assertEquals("Changes requested by bob", changes.sentence());
        assertEquals("Use the new IBAN", changes.note());
        assertEquals("Rejected by carol", entry("decision.reject", "carol", "wrong payee").sentence());
        assertEquals("wrong payee", entry("decision.reject", "carol", "wrong payee").note());
    }

    @Test
    void anUnknownKindKeepsItsRawTypeAndDetail() {
        TimelineEntry e = entry("review.teleported", "zed", "beamed up");
        assertEquals("review.teleported by zed", e.sentence());
        assertEquals("beamed up", e.note());
        assertEquals("Event", entry(null, null, null).sentence());
    }

    @Test
    void aDetailInAnUnexpectedShapeIsShownRatherThanLost() {
        TimelineEntry e = entry("task.created", null, "opened by hand");
        assertEquals("Review step opened", e.sentence());
        assertEquals("opened by hand", e.note());
    }
}
