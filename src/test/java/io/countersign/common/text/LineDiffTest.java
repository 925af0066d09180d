package io.countersign.common.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.common.text.LineDiff.Line;
import io.countersign.common.text.LineDiff.Op;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line diff behind the reviewer's "changes since revision N". */
class LineDiffTest {

    private static String show(List<Line> diff) {
        StringBuilder sb = new StringBuilder();
        for (Line l : diff) {
            sb.append(switch (l.op()) {
                case SAME -> " ";
                case ADDED -> "+";
                case REMOVED -> "-";
            }).append(l.text()).append('|').append(l.oldNumber()).append(',').append(l.newNumber()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void identicalTextsAreAllSameLines() {
        List<Line> diff = LineDiff.of(List.of("a", "b"), List.of("a", "b"));
        assertEquals(" a|1,1\n b|2,2\n", show(diff));
        assertFalse(LineDiff.changed(diff));
    }

    @Test
    void aChangedLineInTheMiddleIsRemovedThenAddedWithBothLineNumbers() {
        List<Line> diff = LineDiff.of(List.of("ALTER TABLE a", "DROP TABLE b", "COMMIT"),
                List.of("ALTER TABLE a", "ALTER TABLE b RENAME TO c", "COMMIT"));
        assertEquals(" ALTER TABLE a|1,1\n-DROP TABLE b|2,0\n+ALTER TABLE b RENAME TO c|0,2\n COMMIT|3,3\n", show(diff));
        assertTrue(LineDiff.changed(diff));
    }

    @Test
    void insertionsAndDeletionsKeepTheLongestCommonSubsequence() {
        List<Line> diff = LineDiff.of(List.of("a", "b", "c", "d"), List.of("b", "x", "c", "d", "e"));
        assertEquals("-a|1,0\n b|2,1\n+x|0,2\n c|3,3\n d|4,4\n+e|0,5\n", show(diff));
    }

    @Test
    void emptySidesAreAllAddedOrAllRemoved() {
        assertEquals("+a|0,1\n", show(LineDiff.of(List.of(), List.of("a"))));
        assertEquals("-a|1,0\n", show(LineDiff.of(List.of("a"), List.of())));
        assertEquals("", show(LineDiff.of(List.of(), List.of())));
    }

    @Test
    void aHiddenCharacterMakesALineDifferent() {
        List<Line> diff = LineDiff.of(List.of("amount 100"), List.of("amount 1\u200B00"));
        assertEquals(List.of(Op.REMOVED, Op.ADDED), diff.stream().map(Line::op).toList());
    }

    @Test
    void aMiddleTooLargeForTheTableIsRemovedThenAddedWholeAroundTheCommonEnds() {
        List<String> before = new ArrayList<>(List.of("head"));
        List<String> after = new ArrayList<>(List.of("head"));
        for (int i = 0; i < 1100; i++) {
            before.add("old " + i);
            after.add("new " + i);
        }
        before.add("tail");
        after.add("tail");
        List<Line> diff = LineDiff.of(before, after);
        assertEquals(1 + 1100 + 1100 + 1, diff.size());
        assertEquals(new Line(Op.SAME, "head", 1, 1), diff.get(0));
        assertEquals(new Line(Op.REMOVED, "old 0", 2, 0), diff.get(1));
        assertEquals(new Line(Op.ADDED, "new 0", 0, 2), diff.get(1101));
        assertEquals(new Line(Op.SAME, "tail", 1102, 1102), diff.get(diff.size() - 1));
    }
}
