package io.countersign.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.countersign.common.json.JsonSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A payload prepared for the request page: per-type structure (SQL statements with destructive
 * ones flagged, a payment table, a code push with diff stat and patch) plus pretty raw JSON.
 * Values stay plain text; the template escapes them.
 */
public record PayloadView(String kind, String database, List<Statement> statements, long destructiveCount,
        List<Row> rows, String patch, String rawJson) {

    /** One SQL statement; {@code reason} says why it is destructive, or null. */
    public record Statement(int number, String sql, String reason) {
        public boolean destructive() {
            return reason != null;
        }
    }

    /** A label/value row of a table. */
    public record Row(String label, String value) {
    }

    private static final Pattern COMMENTS = Pattern.compile("(?s)/\\*.*?\\*/|--[^\\n]*");
    private static final Pattern DROP = Pattern.compile("(?i)(^|[^a-z0-9_])drop\\s+(table|database|schema|index|view|"
            + "column|constraint|function|procedure|trigger|sequence|type|role|user)?");
    private static final Pattern TRUNCATE = Pattern.compile("(?i)(^|[^a-z0-9_])truncate([^a-z0-9_]|$)");
    private static final Pattern ALTER_DROP = Pattern.compile("(?is)(^|[^a-z0-9_])alter\\s.*[^a-z0-9_]drop([^a-z0-9_]|$)");
    private static final Pattern DELETE_NO_WHERE = Pattern.compile("(?is)^\\s*delete\\s+from\\s+[^;]*$");
    private static final Pattern WHERE = Pattern.compile("(?i)(^|[^a-z0-9_])where([^a-z0-9_]|$)");

    /** Builds the view for a request of {@code type}. */
    public static PayloadView of(String type, JsonNode payload) {
        String raw = pretty(payload);
        if (payload == null || !payload.isObject()) {
            return new PayloadView("raw", null, List.of(), 0, List.of(), null, raw);
        }
        switch (type) {
            case "db.schema.change": {
                List<Statement> st = new ArrayList<>();
                JsonNode list = payload.path("statements");
                for (int i = 0; i < list.size(); i++) {
                    String sql = list.get(i).asText();
                    st.add(new Statement(i + 1, sql, destructiveReason(sql)));
                }
                return new PayloadView("sql", payload.path("database").asText(null), st,
                        st.stream().filter(Statement::destructive).count(), List.of(), null, raw);
            }
            case "payment.transfer": {
                JsonNode b = payload.path("beneficiary");
                List<Row> rows = new ArrayList<>();
                rows.add(new Row("Amount", payload.path("amount").asText("") + " " + payload.path("currency").asText("")));
                rows.add(new Row("Beneficiary", b.path("name").asText("")));
                if (b.has("iban")) {
                    rows.add(new Row("IBAN", b.path("iban").asText("")));
                }
                if (b.has("account")) {
                    rows.add(new Row("Account", b.path("account").asText("")));
                }
                if (b.has("bic")) {
                    rows.add(new Row("BIC", b.path("bic").asText("")));
                }
                rows.add(new Row("Reference", payload.path("reference").asText("")));
                return new PayloadView("payment", null, List.of(), 0, rows, null, raw);
            }
            case "code.push": {
                JsonNode ds = payload.path("diffStat");
                List<Row> rows = List.of(new Row("Repository", payload.path("repository").asText("")),
                        new Row("Branch", payload.path("branch").asText("")),
                        new Row("Commit", payload.path("commitSha").asText("")),
                        new Row("Diff stat", ds.path("filesChanged").asText("?") + " files changed, +"
                                + ds.path("insertions").asText("?") + " / -" + ds.path("deletions").asText("?")));
                return new PayloadView("push", null, List.of(), 0, rows, payload.path("patch").asText(null), raw);
            }
            default:
                return new PayloadView("raw", null, List.of(), 0, List.of(), null, raw);
        }
    }

    /** Why a statement is destructive (DROP, TRUNCATE, ALTER … DROP, DELETE without WHERE), or null. */
    static String destructiveReason(String sql) {
        String s = COMMENTS.matcher(sql).replaceAll(" ");
        if (ALTER_DROP.matcher(s).find()) {
            return "ALTER … DROP removes part of a table";
        }
        if (DROP.matcher(s).find() && s.toLowerCase().matches("(?s).*(^|[^a-z0-9_])drop\\s.*")) {
            return "DROP removes an object and its data";
        }
        if (TRUNCATE.matcher(s).find()) {
            return "TRUNCATE deletes every row";
        }
        if (DELETE_NO_WHERE.matcher(s).find() && !WHERE.matcher(s).find()) {
            return "DELETE without WHERE deletes every row";
        }
        return null;
    }

    private static String pretty(JsonNode n) {
        try {
            return JsonSupport.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n);
        } catch (JsonProcessingException e) {
            return String.valueOf(n);
        }
    }
}
