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
import java.util.Set;

/**
 * A payload prepared for the request page: per-type structure (SQL statements classified by the
 * SQL parser, a payment table, a code push with diff stat and patch) plus the raw JSON. Every
 * value is a {@link Rendering} in which hidden, direction-changing and look-alike characters are
 * markers; the template HTML-escapes every part.
 */
public record PayloadView(String kind, Rendering database, List<Statement> statements, long destructiveCount,
        List<Row> rows, Rendering patch, Rendering rawJson) {

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

    /** A label/value row of a table. */
    public record Row(String label, Rendering value) {
    }

    /** Builds the view for a request of {@code type}. */
    public static PayloadView of(String type, JsonNode payload) {
        Rendering raw = RequestText.json(type, payload);
        if (payload == null || !payload.isObject()) {
            return new PayloadView("raw", null, List.of(), 0, List.of(), null, raw);
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
                        st.stream().filter(Statement::destructive).count(), List.of(), null, raw);
            }
            case "payment.transfer": {
                JsonNode b = payload.path("beneficiary");
                List<Row> rows = new ArrayList<>();
                rows.add(new Row("Amount", field(type, "amount", payload.path("amount").asText(""))
                        .append(VisibleText.render(" ", TextKind.TEXT))
                        .append(field(type, "currency", payload.path("currency").asText("")))));
                rows.add(new Row("Beneficiary", field(type, "beneficiary.name", b.path("name").asText(""))));
                for (String[] f : new String[][] { { "iban", "IBAN" }, { "account", "Account" }, { "bic", "BIC" } }) {
                    if (b.has(f[0])) {
                        rows.add(new Row(f[1], field(type, "beneficiary." + f[0], b.path(f[0]).asText(""))));
                    }
                }
                rows.add(new Row("Reference", field(type, "reference", payload.path("reference").asText(""))));
                return new PayloadView("payment", null, List.of(), 0, rows, null, raw);
            }
            case "code.push": {
                JsonNode ds = payload.path("diffStat");
                List<Row> rows = List.of(new Row("Repository", field(type, "repository", payload.path("repository").asText(""))),
                        new Row("Branch", field(type, "branch", payload.path("branch").asText(""))),
                        new Row("Commit", field(type, "commitSha", payload.path("commitSha").asText(""))),
                        new Row("Diff stat", VisibleText.render(ds.path("filesChanged").asText("?") + " files changed, +"
                                + ds.path("insertions").asText("?") + " / -" + ds.path("deletions").asText("?"),
                                TextKind.TEXT)));
                String patch = payload.path("patch").asText(null);
                return new PayloadView("push", null, List.of(), 0, rows,
                        patch == null ? null : field(type, "patch", patch), raw);
            }
            default:
                return new PayloadView("raw", null, List.of(), 0, List.of(), null, raw);
        }
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
