package io.countersign.common.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.statement.Block;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.execute.Execute;
import net.sf.jsqlparser.statement.grant.Grant;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeDelete;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Classifies SQL with a real parser (JSqlParser), for the reviewer's page and for policy alike:
 * each statement of a string gets a kind ({@code DROP TABLE}, {@code DELETE}...), whether it
 * destroys data or rights, and whether the parser understood it. A statement the parser cannot
 * read is never called safe: it counts as destructive and "not understood".
 */
public final class SqlClassifier {

    /** One statement's classification; {@code reason} says why it is destructive, null when it is not. */
    public record Classification(String kind, boolean destructive, boolean understood, String reason) {
    }

    /** Ends the reason of a statement the parser cannot read. */
    static final String NOT_UNDERSTOOD = "not understood: the SQL parser cannot read it, so it is treated as "
            + "destructive";

    private static final String DROP_REASON = "DROP removes an object and its data";

    /** Statements longer than this are not parsed (the parser's lookahead grows with nesting). */
    static final int MAX_STATEMENT_CHARS = 100_000;

    /** A statement whose parse takes longer than this is not understood. */
    static final long PARSE_TIMEOUT_MILLIS = 1_000;

    /** All statements of one payload together get this long; the rest are not understood (no slow-SQL DoS). */
    static final long BUDGET_MILLIS = 3_000;

    /**
     * {@code DROP DATABASE name}, which JSqlParser 5.3 has no grammar for, in its plain PostgreSQL
     * form only: optional {@code IF EXISTS}, one identifier (unquoted, or quoted printable ASCII),
     * optional {@code WITH (FORCE)}, ASCII whitespace between, nothing else (no comment, no hidden
     * character). Anything else starting with these words still goes to the parser and is not
     * understood.
     */
    private static final Pattern DROP_DATABASE = Pattern.compile("\\s*DROP\\s+DATABASE\\s+(?:IF\\s+EXISTS\\s+)?"
            + "(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[\\x20\\x21\\x23-\\x7e]|\"\")+\")"
            + "(?:\\s+WITH\\s*\\(\\s*FORCE\\s*\\))?\\s*", Pattern.CASE_INSENSITIVE);

    /** Words after CREATE/DROP/ALTER that qualify rather than name the object. */
    private static final Set<String> MODIFIERS = Set.of("OR", "REPLACE", "UNIQUE", "TEMP", "TEMPORARY", "UNLOGGED",
            "GLOBAL", "LOCAL", "MATERIALIZED", "FOREIGN", "CONSTRAINT", "IF", "EXISTS", "NOT", "RECURSIVE");

    /**
     * Stops a parse at its deadline by raising the parser's own {@code interrupted} flag, which
     * the generated parser checks as it goes. The parse itself runs on the caller's thread: handing
     * each statement to a parser thread and waiting for it (JSqlParser's own timeout) cost five to
     * ten times the parse on a 2-core machine (docs/benchmarks.md, fast path). Cancelled stops are
     * removed from the queue at once, so the one daemon thread only ever wakes for a slow parse.
     */
    private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "countersign-sql-parse-watchdog");
        t.setDaemon(true);
        return t;
    });

    static {
        WATCHDOG.setRemoveOnCancelPolicy(true);
    }

    private SqlClassifier() {
    }

    /** Classifies every statement in {@code sql} (several may be separated by semicolons); empty for comments only. */
    public static List<Classification> classify(String sql) {
        return classify(sql, System.nanoTime() + BUDGET_MILLIS * 1_000_000);
    }

    /** {@link #classify(String)} for each string of a payload, all within one time budget. */
    public static List<List<Classification>> classifyAll(List<String> sqls) {
        return classifyAll(sqls, BUDGET_MILLIS);
    }

    static List<List<Classification>> classifyAll(List<String> sqls, long budgetMillis) {
        long deadline = System.nanoTime() + budgetMillis * 1_000_000;
        List<List<Classification>> out = new ArrayList<>(sqls.size());
        for (String sql : sqls) {
            out.add(classify(sql, deadline));
        }
        return out;
    }

    private static List<Classification> classify(String sql, long deadline) {
        List<Classification> out = new ArrayList<>();
        if (sql == null) {
            return out;
        }
        for (SqlLexer.Piece piece : SqlLexer.split(sql)) {
            out.add(classify(piece, deadline));
        }
        return out;
    }

    private static Classification classify(SqlLexer.Piece piece, long deadline) {
        String kind = kind(piece.words());
        long left = (deadline - System.nanoTime()) / 1_000_000;
        Statement st;
        try {
            if (piece.text().length() > MAX_STATEMENT_CHARS || left <= 0) {
                return notUnderstood(kind);
            }
            if (DROP_DATABASE.matcher(piece.text()).matches()) {
                return new Classification(kind, true, true, DROP_REASON);
            }
            st = parse(piece.text(), System.nanoTime() + Math.min(PARSE_TIMEOUT_MILLIS, left) * 1_000_000);
        } catch (ParseException | RuntimeException | StackOverflowError e) {
            return notUnderstood(kind);
        }
        if (st == null || st instanceof UnsupportedStatement || st instanceof Block) {
            return notUnderstood(kind);
        }
        String reason = destructiveReason(st);
        return new Classification(kind, reason != null, true, reason);
    }

    /**
     * Parses as {@link CCJSqlParserUtil#parse(String)} does: fast and simple first, then once more
     * with complex parsing if that fails and the statement is not nested too deeply; the whole
     * attempt ends at {@code deadline} (a {@link System#nanoTime()} value).
     */
    private static Statement parse(String sql, long deadline) throws ParseException {
        try {
            return parse(sql, false, deadline);
        } catch (ParseException simpleFailed) {
            if (CCJSqlParserUtil.getNestingDepth(sql) > CCJSqlParserUtil.ALLOWED_NESTING_DEPTH) {
                throw simpleFailed;
            }
            return parse(sql, true, deadline);
        }
    }

    private static Statement parse(String sql, boolean complex, long deadline) throws ParseException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new ParseException("time limit reached");
        }
        CCJSqlParser parser = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(complex);
        ScheduledFuture<?> stop = WATCHDOG.schedule(() -> {
            parser.interrupted = true;
        }, left, TimeUnit.NANOSECONDS);
        try {
            return parser.Statement();
        } finally {
            stop.cancel(false);
        }
    }

    private static Classification notUnderstood(String kind) {
        return new Classification(kind, true, false, kind + " statement " + NOT_UNDERSTOOD);
    }

    private static String destructiveReason(Statement st) {
        if (st instanceof Drop) {
            return DROP_REASON;
        }
        if (st instanceof Truncate) {
            return "TRUNCATE deletes every row";
        }
        if (st instanceof Delete d && d.getWhere() == null) {
            return "DELETE without WHERE deletes every row";
        }
        if (st instanceof Update u && u.getWhere() == null) {
            return "UPDATE without WHERE changes every row";
        }
        if (st instanceof Alter a && a.getAlterExpressions() != null) {
            for (AlterExpression e : a.getAlterExpressions()) {
                String op = e.getOperation() == null ? "" : e.getOperation().name();
                if (op.contains("DROP") || op.startsWith("TRUNCATE")) {
                    return "ALTER … DROP removes part of a table";
                }
            }
            return null;
        }
        if (st instanceof Grant) {
            return "GRANT changes who may read or change data";
        }
        if (st instanceof Merge m && m.getOperations() != null
                && m.getOperations().stream().anyMatch(o -> o instanceof MergeDelete)) {
            return "MERGE … DELETE deletes matching rows";
        }
        if (st instanceof Execute) {
            return "CALL/EXECUTE runs stored code that is not shown here";
        }
        return null;
    }

    /** The statement's kind from its first words: {@code DELETE}, {@code DROP TABLE}, {@code CREATE INDEX}. */
    static String kind(List<String> words) {
        if (words.isEmpty()) {
            return "UNKNOWN";
        }
        String verb = words.get(0).toUpperCase(Locale.ROOT);
        if (!Set.of("CREATE", "DROP", "ALTER").contains(verb)) {
            return verb;
        }
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i).toUpperCase(Locale.ROOT);
            if (!MODIFIERS.contains(w)) {
                return verb + " " + w;
            }
        }
        return verb;
    }
}
