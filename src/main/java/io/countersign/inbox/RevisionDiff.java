package io.countersign.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.action.ActionRevision;
import io.countersign.action.ActionView;
import io.countersign.common.json.JsonSupport;
import io.countersign.common.text.LineDiff;
import io.countersign.common.text.RequestText;
import io.countersign.common.text.TextKind;
import io.countersign.common.text.VisibleText;
import io.countersign.common.text.VisibleText.Rendering;
import java.util.ArrayList;
import java.util.List;

/**
 * What the agent changed since the previous revision, for the request page: a line diff
 * ({@link LineDiff}) of what a reviewer reads — summary, justification, and the payload by type
 * (SQL statements, payment fields, code-push fields and patch; other types their pretty JSON).
 * Each line is rendered like the rest of the page, hidden characters as markers, and compared
 * exactly, so a change in a hidden character is a changed line.
 */
public record RevisionDiff(int previousRevision, List<Line> lines, int added, int removed) {

    /**
     * One line of the diff: {@code op} is {@code same}, {@code added} or {@code removed}; {@code label}
     * names the field the line belongs to (our words), {@code text} is the untrusted value.
     */
    public record Line(String op, int oldNumber, int newNumber, String label, Rendering text) {
        /** The sign shown in the gutter: +, − or a space. */
        public String sign() {
            return switch (op) {
                case "added" -> "+";
                case "removed" -> "\u2212";
                default -> " ";
            };
        }
    }

    /** A line a reviewer reads: a label of ours (the field), then untrusted text rendered as {@code kind}. */
    record Text(String label, String value, TextKind kind) {
        String key() {
            return label + "\u0000" + value;
        }

        Line line(String op, int oldNumber, int newNumber) {
            return new Line(op, oldNumber, newNumber, label, VisibleText.render(value, kind));
        }
    }

    /** Whether the agent changed anything a reviewer reads. */
    public boolean changed() {
        return added + removed > 0;
    }

    /** The diff from {@code previous} to the request as it is now. */
    public static RevisionDiff between(ActionRevision previous, ActionView current) {
        List<Text> before = texts(current.type(), previous.summary(), previous.justification(), previous.payload());
        List<Text> after = texts(current.type(), current.summary(), current.justification(), current.payload());
        List<LineDiff.Line> diff = LineDiff.of(before.stream().map(Text::key).toList(),
                after.stream().map(Text::key).toList());
        List<Line> lines = new ArrayList<>();
        int added = 0;
        int removed = 0;
        for (LineDiff.Line l : diff) {
            switch (l.op()) {
                case ADDED -> {
                    added++;
                    lines.add(after.get(l.newNumber() - 1).line("added", 0, l.newNumber()));
                }
                case REMOVED -> {
                    removed++;
                    lines.add(before.get(l.oldNumber() - 1).line("removed", l.oldNumber(), 0));
                }
                default -> lines.add(after.get(l.newNumber() - 1).line("same", l.oldNumber(), l.newNumber()));
            }
        }
        return new RevisionDiff(previous.revision(), List.copyOf(lines), added, removed);
    }

    /** The lines of one revision, in page order. */
    static List<Text> texts(String type, String summary, String justification, JsonNode payload) {
        List<Text> out = new ArrayList<>();
        out.add(new Text("Summary", summary, TextKind.TEXT));
        for (String line : PayloadView.lines(justification == null ? "" : justification)) {
            out.add(new Text("Justification", line, TextKind.TEXT));
        }
        if (payload == null || !payload.isObject()) {
            json(type, payload, out);
            return out;
        }
        switch (type) {
            case "db.schema.change" -> {
                field(type, "Database", "database", payload.path("database"), out);
                int n = 0;
                for (JsonNode st : payload.path("statements")) {
                    n++;
                    for (String line : PayloadView.lines(st.asText())) {
                        out.add(new Text("Statement " + n, line, RequestText.payloadField(type, "statements")));
                    }
                }
            }
            case "payment.transfer" -> {
                field(type, "Amount", "amount", payload.path("amount"), out);
                field(type, "Currency", "currency", payload.path("currency"), out);
                JsonNode b = payload.path("beneficiary");
                field(type, "Beneficiary", "beneficiary.name", b.path("name"), out);
                field(type, "IBAN", "beneficiary.iban", b.path("iban"), out);
                field(type, "Account", "beneficiary.account", b.path("account"), out);
                field(type, "BIC", "beneficiary.bic", b.path("bic"), out);
                field(type, "Reference", "reference", payload.path("reference"), out);
            }
            case "code.push" -> {
                field(type, "Repository", "repository", payload.path("repository"), out);
                field(type, "Branch", "branch", payload.path("branch"), out);
                field(type, "Commit", "commitSha", payload.path("commitSha"), out);
                JsonNode ds = payload.path("diffStat");
                out.add(new Text("Diff stat", ds.path("filesChanged").asText("?") + " files changed, +"
                        + ds.path("insertions").asText("?") + " / -" + ds.path("deletions").asText("?"), TextKind.TEXT));
                if (payload.path("patch").isTextual()) {
                    for (String line : PayloadView.lines(payload.path("patch").asText())) {
                        out.add(new Text("Patch", line, RequestText.payloadField(type, "patch")));
                    }
                }
            }
            default -> json(type, payload, out);
        }
        return out;
    }

    private static void field(String type, String label, String path, JsonNode value, List<Text> out) {
        if (!value.isMissingNode() && !value.isNull()) {
            out.add(new Text(label, value.asText(), RequestText.payloadField(type, path)));
        }
    }

    private static void json(String type, JsonNode payload, List<Text> out) {
        try {
            String pretty = JsonSupport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(payload);
            for (String line : PayloadView.lines(pretty)) {
                out.add(new Text("", line, TextKind.CODE));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("payload of a " + type + " request is not writable as JSON", e);
        }
    }
}
