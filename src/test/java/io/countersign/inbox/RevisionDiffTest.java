package io.countersign.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.action.ActionRevision;
import io.countersign.action.ActionStatus;
import io.countersign.action.ActionView;
import io.countersign.common.json.JsonSupport;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a reviewer sees changed between two revisions, per request type. */
class RevisionDiffTest {

    private static JsonNode json(String s) throws Exception {
        return JsonSupport.MAPPER.readTree(s);
    }

    private static ActionView current(String type, String summary, String justification, JsonNode payload) {
        OffsetDateTime now = OffsetDateTime.now();
        return new ActionView(UUID.randomUUID(), "agent-1", type, "t", "production", summary, justification, payload,
                "0".repeat(64), ActionStatus.PENDING_REVIEW, null, "HIGH", null, null, List.of(), null, null, null, now,
                now, null);
    }

    private static List<String> changes(RevisionDiff d) {
        return d.lines().stream().filter(l -> !l.op().equals("same"))
                .map(l -> l.sign() + " " + l.label() + ": " + l.text().plain()).toList();
    }

    @Test
    void sqlStatementsDiffLineByLineWithTheirStatementNumber() throws Exception {
        ActionRevision before = new ActionRevision(0, "Drop old table", "cleanup",
                json("{\"database\":\"orders\",\"statements\":[\"DROP TABLE orders_old\",\"ANALYZE orders\"]}"), "a");
        RevisionDiff d = RevisionDiff.between(before, current("db.schema.change", "Drop old table", "cleanup",
                json("{\"database\":\"orders\",\"statements\":[\"ALTER TABLE orders_old RENAME TO orders_archive\","
                        + "\"ANALYZE orders\"]}")));
        assertEquals(List.of("\u2212 Statement 1: DROP TABLE orders_old",
                "+ Statement 1: ALTER TABLE orders_old RENAME TO orders_archive"), changes(d));
        assertEquals(0, d.previousRevision());
        assertEquals(1, d.added());
        assertEquals(1, d.removed());
    }

    @Test
    void paymentFieldsAndTheSummaryDiffAsLabelledLines() throws Exception {
        String old = "{\"amount\":\"25000.00\",\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACME GmbH\","
                + "\"iban\":\"DE89370400440532013000\"},\"reference\":\"INV-1\"}";
        RevisionDiff d = RevisionDiff.between(new ActionRevision(1, "Pay invoice", "due", json(old), "a"),
                current("payment.transfer", "Pay invoice (new IBAN)", "due",
                        json(old.replace("DE89370400440532013000", "GB82WEST12345698765432"))));
        assertEquals(List.of("\u2212 Summary: Pay invoice", "+ Summary: Pay invoice (new IBAN)",
                "\u2212 IBAN: DE89370400440532013000", "+ IBAN: GB82WEST12345698765432"), changes(d));
    }

    @Test
    void aPatchDiffsByItsLinesAndHiddenCharactersStayMarked() throws Exception {
        String push = "{\"repository\":\"r\",\"branch\":\"main\",\"commitSha\":\"%s\",\"diffStat\":{\"filesChanged\":1,"
                + "\"insertions\":1,\"deletions\":0},\"patch\":\"%s\"}";
        RevisionDiff d = RevisionDiff.between(new ActionRevision(0, "s", "j",
                json(String.format(push, "a".repeat(40), "@@ -1 +1 @@\\n-x = 1\\n+x = 2\\n")), "a"),
                current("code.push", "s", "j", json(String.format(push, "a".repeat(40),
                        "@@ -1 +1 @@\\n-x = 1\\n+x = 2 \\u202E// ok\\n"))));
        assertEquals(List.of("\u2212 Patch: +x = 2", "+ Patch: +x = 2 \u27E8U+202E\u27E9// ok"), changes(d));
        assertTrue(d.lines().stream().anyMatch(l -> l.text().marked()));
    }

    @Test
    void anUnchangedRevisionSaysSo() throws Exception {
        JsonNode p = json("{\"service\":\"api\"}");
        RevisionDiff d = RevisionDiff.between(new ActionRevision(2, "s", "line one\nline two", p, "a"),
                current("ops.restart", "s", "line one\nline two", p));
        assertFalse(d.changed());
        assertEquals(List.of("Summary", "Justification", "Justification", "", "", ""),
                d.lines().stream().map(RevisionDiff.Line::label).toList());
    }
}
