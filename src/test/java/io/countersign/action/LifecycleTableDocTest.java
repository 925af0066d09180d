package io.countersign.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The lifecycle table of docs/api.md is the transition table of {@link ActionStatus}, row for row. */
class LifecycleTableDocTest {

    private static final Pattern STATUS = Pattern.compile("`([A-Z_]+)`");

    @Test
    void docsTableIsTheTransitionTable() throws IOException {
        String doc = Files.readString(Path.of("docs/api.md"), StandardCharsets.UTF_8);
        int start = doc.indexOf("### Lifecycle");
        assertTrue(start >= 0, "docs/api.md has a Lifecycle section");
        Map<ActionStatus, Set<ActionStatus>> documented = new EnumMap<>(ActionStatus.class);
        for (String line : doc.substring(start).split("\n")) {
            if (line.startsWith("## ")) {
                break;
            }
            String[] cells = line.split("\\|");
            if (cells.length < 3 || line.startsWith("|---") || cells[1].contains("from")) {
                continue;
            }
            Set<ActionStatus> next = statuses(cells[2]);
            for (ActionStatus from : statuses(cells[1])) {
                documented.computeIfAbsent(from, k -> EnumSet.noneOf(ActionStatus.class)).addAll(next);
            }
        }
        for (ActionStatus from : ActionStatus.values()) {
            Set<ActionStatus> actual = EnumSet.noneOf(ActionStatus.class);
            for (ActionStatus to : ActionStatus.values()) {
                if (from.canMoveTo(to)) {
                    actual.add(to);
                }
            }
            assertTrue(documented.containsKey(from), from + " has a row in docs/api.md");
            assertEquals(actual, documented.get(from), "next statuses of " + from + " in docs/api.md");
        }
    }

    private static Set<ActionStatus> statuses(String cell) {
        Set<ActionStatus> s = EnumSet.noneOf(ActionStatus.class);
        Matcher m = STATUS.matcher(cell);
        while (m.find()) {
            s.add(ActionStatus.valueOf(m.group(1)));
        }
        return s;
    }
}
