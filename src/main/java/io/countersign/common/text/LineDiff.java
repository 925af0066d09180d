package io.countersign.common.text;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two texts by longest common subsequence, for showing a reviewer what changed
 * between two revisions. Lines compare exactly (code point for code point), so a change in a
 * hidden character is a changed line. The common prefix and suffix are cut first; a middle
 * larger than {@link #MAX_CELLS} pairs is shown as removed then added, which is still a true
 * (if not minimal) diff.
 */
public final class LineDiff {

    /** Largest LCS table (old lines × new lines of the differing middle) computed: 4 MB of ints. */
    static final long MAX_CELLS = 1_000_000;

    /** How a line of the diff relates the two texts. */
    public enum Op {
        SAME, REMOVED, ADDED
    }

    /** One line: its text, and its 1-based line number in the old and the new text (0 where it has none). */
    public record Line(Op op, String text, int oldNumber, int newNumber) {
    }

    private LineDiff() {
    }

    /** The diff turning {@code before} into {@code after}, in order. */
    public static List<Line> of(List<String> before, List<String> after) {
        int prefix = 0;
        while (prefix < before.size() && prefix < after.size() && before.get(prefix).equals(after.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < before.size() - prefix && suffix < after.size() - prefix
                && before.get(before.size() - 1 - suffix).equals(after.get(after.size() - 1 - suffix))) {
            suffix++;
        }
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < prefix; i++) {
            out.add(new Line(Op.SAME, before.get(i), i + 1, i + 1));
        }
        middle(before.subList(prefix, before.size() - suffix), after.subList(prefix, after.size() - suffix), prefix,
                out);
        for (int k = suffix; k > 0; k--) {
            int o = before.size() - k;
            int n = after.size() - k;
            out.add(new Line(Op.SAME, before.get(o), o + 1, n + 1));
        }
        return out;
    }

    /** True when the diff has a removed or added line. */
    public static boolean changed(List<Line> diff) {
        return diff.stream().anyMatch(l -> l.op() != Op.SAME);
    }

    private static void middle(List<String> a, List<String> b, int offset, List<Line> out) {
        int n = a.size();
        int m = b.size();
        if ((long) n * m > MAX_CELLS) {
            for (int i = 0; i < n; i++) {
                out.add(new Line(Op.REMOVED, a.get(i), offset + i + 1, 0));
            }
            for (int j = 0; j < m; j++) {
                out.add(new Line(Op.ADDED, b.get(j), 0, offset + j + 1));
            }
            return;
        }
        // lcs[i][j]: length of the LCS of a[i..] and b[j..]
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                out.add(new Line(Op.SAME, a.get(i), offset + i + 1, offset + j + 1));
                i++;
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j])) {
                out.add(new Line(Op.ADDED, b.get(j), 0, offset + j + 1));
                j++;
            } else {
                out.add(new Line(Op.REMOVED, a.get(i), offset + i + 1, 0));
                i++;
            }
        }
    }
}
