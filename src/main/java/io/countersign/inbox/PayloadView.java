package io.countersign.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.sql.SqlClassifier;
import io.countersign.common.text.RequestText;
import io.countersign.common.text.TextKind;
import io.countersign.common.text.VisibleText;
import io.countersign.common.text.VisibleText.Rendering;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A payload prepared for the request page: per-type structure (SQL statements classified by the
 * SQL parser, a payment table with the amount grouped for the reader, a code push with diff stat
 * and its patch line by line, long patches folded after {@link #PATCH_SHOWN} lines) plus the raw
 * JSON. Every value is a {@link Rendering} in which hidden, direction-changing and look-alike
 * characters are markers; the template HTML-escapes every part.
 */
public record PayloadView(String kind, Rendering database, List<Statement> statements, long destructiveCount,
        List<Row> rows, List<PatchLine> patchHead, List<PatchLine> patchRest, Rendering rawJson) {

    /** Lines of a patch shown before the rest folds; a patch up to {@link #PATCH_FOLD_OVER} lines shows whole. */
    static final int PATCH_SHOWN = 40;
    static final int PATCH_FOLD_OVER = 60;

    /**
     * One payload string of SQL (it may hold several statements); {@code reason} says why it is
     * destructive or not understood, or is null.
     */
    public record Statement(int number, Rendering sql, List<SqlClassifier.Classification> parts, String reason) {
        public boolean destructive() {
            return reason != null;
        }

        /** True when the parser read every statement of the string. */
        public boolean understood() {
            return parts.stream().allMatch(SqlClassifier.Classification::understood);
        }
    }

    /**
     * A label/value row of a table; {@code grouped} is the value as the reader's locale groups it
     * (amounts), shown beside the exact value, or null.
     */
    public record Row(String label, Rendering value, String grouped) {
        Row(String label, Rendering value) {
            this(label, value, null);
        }
    }

    /**
     * One line of a patch with its CSS class: {@code patch-add}, {@code patch-del}, {@code patch-hunk},
     * {@code patch-meta} (file headers) or {@code patch-context}.
     */
    public record PatchLine(String css, Rendering text) {
    }

    /** Builds the view for a request of {@code type}, grouping amounts for English readers. */
    public static PayloadView of(String type, JsonNode payload) {
        return of(type, payload, Locale.ENGLISH);
    }

    /** Builds the view for a request of {@code type}, grouping amounts for {@code reader}. */
    public static PayloadView of(String type, JsonNode payload, Locale reader) {
        Rendering raw = RequestText.json(type, payload);
        if (payload == null || !payload.isObject()) {
            return new PayloadView("raw", null, List.of(), 0, List.of(), List.of(), List.of(), raw);
        }
        switch (type) {
            case "db.schema.change": {
                List<String> sqls = new ArrayList<>();
                payload.path("statements").forEach(n -> sqls.add(n.asText()));
                List<List<SqlClassifier.Classification>> classified = SqlClassifier.classifyAll(sqls);
                List<Statement> st = new ArrayList<>();
                for (int i = 0; i < sqls.size(); i++) {
                    List<SqlClassifier.Classification> parts = classified.get(i);
                    st.add(new Statement(i + 1, field(type, "statements", sqls.get(i)), parts, reason(parts)));
                }
                return new PayloadView("sql", field(type, "database", payload.path("database").asText(null)), st,
                        st.stream().filter(Statement::destructive).count(), List.of(), List.of(), List.of(), raw);
            }
            case "payment.transfer": {
                JsonNode b = payload.path("beneficiary");
                List<Row> rows = new ArrayList<>();
                String amount = payload.path("amount").asText("");
                String currency = payload.path("currency").asText("");
                rows.add(new Row("Amount", field(type, "amount", amount).append(VisibleText.render(" ", TextKind.TEXT))
                        .append(field(type, "currency", currency)), Amounts.grouped(amount, currency, reader)));
                rows.add(new Row("Beneficiary", field(type, "beneficiary.name", b.path("name").asText(""))));
                for (String[] f : new String[][] { { "iban", "IBAN" }, { "account", "Account" }, { "bic", "BIC" } }) {
                    if (b.has(f[0])) {
                        rows.add(new Row(f[1], field(type, "beneficiary." + f[0], b.path(f[0]).asText(""))));
                    }
                }
                rows.add(new Row("Reference", field(type, "reference", payload.path("reference").asText(""))));
                return new PayloadView("payment", null, List.of(), 0, rows, List.of(), List.of(), raw);
            }
            case "code.push": {
                JsonNode ds = payload.path("diffStat");
                List<Row> rows = List.of(new Row("Repository", field(type, "repository", payload.path("repository").asText(""))),
                        new Row("Branch", field(type, "branch", payload.path("branch").asText(""))),
                        new Row("Commit", field(type, "commitSha", payload.path("commitSha").asText(""))),
                        new Row("Diff stat", VisibleText.render(ds.path("filesChanged").asText("?") + " files changed, +"
                                + ds.path("insertions").asText("?") + " / -" + ds.path("deletions").asText("?"),
                                TextKind.TEXT)));
                List<PatchLine> patch = patchLines(type, payload.path("patch").asText(null));
                int shown = patch.size() > PATCH_FOLD_OVER ? PATCH_SHOWN : patch.size();
                return new PayloadView("push", null, List.of(), 0, rows, patch.subList(0, shown),
                        patch.subList(shown, patch.size()), raw);
            }
            default:
                return new PayloadView("raw", null, List.of(), 0, List.of(), List.of(), List.of(), raw);
        }
    }

    /** The patch's lines (split at LF only: any other line break stays in its line, marked). */
    private static List<PatchLine> patchLines(String type, String patch) {
        if (patch == null) {
            return List.of();
        }
        List<PatchLine> out = new ArrayList<>();
        for (String line : lines(patch)) {
            out.add(new PatchLine(patchClass(line), field(type, "patch", line)));
        }
        return List.copyOf(out);
    }

    static String patchClass(String line) {
        if (line.startsWith("+++ ") || line.startsWith("--- ") || line.startsWith("diff ")
                || line.startsWith("index ")) {
            return "patch-meta";
        }
        if (line.startsWith("@@")) {
            return "patch-hunk";
        }
        if (line.startsWith("+")) {
            return "patch-add";
        }
        if (line.startsWith("-")) {
            return "patch-del";
        }
        return "patch-context";
    }

    /** Lines of a text, split at LF only; a final LF ends the last line rather than starting an empty one. */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
        if (out.size() > 1 && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static Rendering field(String type, String path, String value) {
        return value == null ? null : VisibleText.render(value, RequestText.payloadField(type, path));
    }

    /** The distinct reasons of a string's statements, e.g. "DELETE without WHERE deletes every row". */
    private static String reason(List<SqlClassifier.Classification> parts) {
        Set<String> reasons = new LinkedHashSet<>();
        for (SqlClassifier.Classification c : parts) {
            if (c.destructive()) {
                reasons.add(parts.size() > 1 ? c.kind() + ": " + c.reason() : c.reason());
            }
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }
}
