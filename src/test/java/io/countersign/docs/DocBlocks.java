package io.countersign.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The executable parts of a Markdown page, in reading order (docs/README "Examples that run").
 *
 * <ul>
 * <li>Every fenced block whose info string starts with {@code bash}, {@code sh} or {@code shell}
 * is a {@link Shell} step, run in one shell session per page, unless the line right before it
 * (blank lines aside) is {@code <!-- doc-test: skip: <reason> -->}; a skip needs a reason.</li>
 * <li>A fenced {@code output} block right after a shell block is what that block must print
 * ({@link #matches}); a shell block that prints something without one fails.</li>
 * <li>{@code <!-- doc-test: save <file> -->} right before a block writes the block, unchanged,
 * to that file of the session's directory instead of running it (a script the page shows).</li>
 * <li>{@code <!-- doc-test: inbox <DECISION> $VAR by <person> [<person> …] -->} is a step the
 * reader does in the browser: each person signs in to the inbox and decides on the request whose
 * id is in shell variable VAR.</li>
 * </ul>
 */
final class DocBlocks {

    /** One step of a page. */
    sealed interface Step permits Shell, Save, Inbox {
        /** 1-based line of the step in the page. */
        int line();
    }

    /** A shell block and what it must print (null: nothing). */
    record Shell(int line, String script, String expectedOutput) implements Step {
    }

    /** A block written to {@code file}. */
    record Save(int line, String file, String content) implements Step {
    }

    /** A reviewer step done in the inbox. */
    record Inbox(int line, String decision, String requestVariable, List<String> people) implements Step {
    }

    private static final Pattern FENCE = Pattern.compile("^(```+)\\s*([^`]*)$");
    private static final Pattern MARKER = Pattern.compile("^<!-- doc-test: (.*?) -->$");
    private static final Pattern SKIP = Pattern.compile("skip: (\\S.*)");
    private static final Pattern SAVE = Pattern.compile("save ([A-Za-z0-9._/-]+)");
    private static final Pattern INBOX = Pattern.compile("inbox (APPROVE|REJECT|REQUEST_CHANGES) \\$(\\w+) by (\\w+(?: \\w+)*)");

    private DocBlocks() {
    }

    private record Fenced(int line, String info, String content, int endLine) {
    }

    /** The steps of {@code markdown}; a malformed marker or unclosed fence is an error naming its line. */
    static List<Step> parse(String markdown) {
        List<String> lines = markdown.lines().toList();
        List<Step> steps = new ArrayList<>();
        String pending = null; // a marker waiting for the block right after it
        int pendingLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            Matcher marker = MARKER.matcher(l.strip());
            if (marker.matches()) {
                if (pending != null) {
                    throw new IllegalArgumentException("line " + pendingLine + ": marker '" + pending + "' has no block after it");
                }
                Matcher inbox = INBOX.matcher(marker.group(1));
                if (inbox.matches()) {
                    steps.add(new Inbox(i + 1, inbox.group(1), inbox.group(2), List.of(inbox.group(3).split(" "))));
                } else if (SKIP.matcher(marker.group(1)).matches() || SAVE.matcher(marker.group(1)).matches()) {
                    pending = marker.group(1);
                    pendingLine = i + 1;
                } else {
                    throw new IllegalArgumentException("line " + (i + 1) + ": unknown doc-test marker '" + marker.group(1)
                            + "' (skip: <reason> | save <file> | inbox <DECISION> $VAR by <people>)");
                }
                continue;
            }
            Matcher fence = FENCE.matcher(l);
            if (!fence.matches()) {
                if (pending != null && !l.isBlank()) {
                    throw new IllegalArgumentException("line " + pendingLine + ": marker '" + pending
                            + "' must be right before its block");
                }
                continue;
            }
            Fenced block = fenced(lines, i, fence.group(1), fence.group(2).strip());
            i = block.endLine();
            String lang = block.info().split("\\s+")[0];
            if (pending != null) {
                Matcher save = SAVE.matcher(pending);
                if (save.matches()) {
                    steps.add(new Save(block.line(), save.group(1), block.content()));
                }
                pending = null;
                continue;
            }
            if (lang.equals("bash") || lang.equals("sh") || lang.equals("shell")) {
                String expected = null;
                int j = block.endLine() + 1;
                while (j < lines.size() && lines.get(j).isBlank()) {
                    j++;
                }
                Matcher next = j < lines.size() ? FENCE.matcher(lines.get(j)) : null;
                if (next != null && next.matches() && next.group(2).strip().equals("output")) {
                    Fenced out = fenced(lines, j, next.group(1), "output");
                    expected = out.content();
                    i = out.endLine();
                }
                steps.add(new Shell(block.line(), block.content(), expected));
            }
        }
        if (pending != null) {
            throw new IllegalArgumentException("line " + pendingLine + ": marker '" + pending + "' has no block after it");
        }
        return steps;
    }

    private static Fenced fenced(List<String> lines, int open, String ticks, String info) {
        StringBuilder content = new StringBuilder();
        for (int k = open + 1; k < lines.size(); k++) {
            if (lines.get(k).strip().equals(ticks)) {
                return new Fenced(open + 1, info, content.toString(), k);
            }
            content.append(lines.get(k)).append('\n');
        }
        throw new IllegalArgumentException("line " + (open + 1) + ": fenced block is not closed");
    }

    /**
     * Whether {@code actual} is what {@code expected} shows: line by line, trailing spaces
     * ignored; a line {@code ...} stands for any number of lines, {@code ...} inside a line for
     * any text.
     */
    static boolean matches(String expected, String actual) {
        StringBuilder regex = new StringBuilder();
        for (String l : expected.strip().lines().toList()) {
            if (l.strip().equals("...")) {
                regex.append("(?:[^\\n]*\\n)*?");
                continue;
            }
            String[] parts = l.stripTrailing().split("\\.\\.\\.", -1);
            for (int p = 0; p < parts.length; p++) {
                regex.append(p > 0 ? "[^\\n]*?" : "").append(Pattern.quote(parts[p]));
            }
            regex.append("\\n");
        }
        String normalised = String.join("\n", actual.strip().lines().map(String::stripTrailing).toList()) + "\n";
        return Pattern.compile(regex.toString()).matcher(normalised).matches();
    }
}
