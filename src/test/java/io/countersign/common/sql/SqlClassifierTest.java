package io.countersign.common.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SQL read by a parser: kinds, destructive statements and statements that are not understood. */
class SqlClassifierTest {

    static String summary(String sql) {
        return SqlClassifier.classify(sql).stream()
                .map(c -> c.kind() + (c.understood() ? "" : "?") + (c.destructive() ? "!" : ""))
                .collect(Collectors.joining(", "));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "DELETE FROM orders;                                          | DELETE!",
            "delete from orders where id = 1                              | DELETE",
            "DELETE FROM orders -- WHERE id = 1                           | DELETE!",
            "DELETE FROM orders /* WHERE id = 1 */                        | DELETE!",
            "UPDATE accounts SET balance = 0                              | UPDATE!",
            "UPDATE accounts SET balance = 0 WHERE id = 7                 | UPDATE",
            "DROP TABLE \"Orders\"                                        | DROP TABLE!",
            "drop index idx_a                                             | DROP INDEX!",
            "TRUNCATE audit_log                                           | TRUNCATE!",
            "ALTER TABLE t DROP COLUMN c                                  | ALTER TABLE!",
            "ALTER TABLE t ADD COLUMN c INT, DROP COLUMN d                | ALTER TABLE!",
            "ALTER TABLE t ADD COLUMN c INT                               | ALTER TABLE",
            "ALTER TABLE \"drop\" ADD COLUMN c INT                        | ALTER TABLE",
            "GRANT SELECT ON orders TO public                             | GRANT!",
            "REVOKE SELECT ON orders FROM app                             | REVOKE?!",
            "DROP SCHEMA public CASCADE                                   | DROP SCHEMA!",
            "DROP DATABASE orders                                         | DROP DATABASE!",
            "drop database if exists orders_2 with (force);               | DROP DATABASE!",
            "DROP DATABASE orders CASCADE                                 | DROP DATABASE?!",
            "DROP/* sneaky */DATABASE orders                              | DROP DATABASE?!",
            "INSERT INTO log VALUES ('DROP TABLE x; TRUNCATE y')          | INSERT",
            "SELECT 'a;b'; DELETE FROM t                                  | SELECT, DELETE!",
            "CREATE UNIQUE INDEX i ON t (c); DROP TABLE t                 | CREATE INDEX, DROP TABLE!",
            "CREATE OR REPLACE VIEW v AS SELECT 1                         | CREATE VIEW",
            "DO $$ BEGIN DELETE FROM orders; END $$                       | DO?!",
            "SELECT $tag$ ; DROP TABLE x; $tag$                           | SELECT",
            "SELECT E'it\\'s; DROP TABLE x'                                | SELECT",
            "this is not sql                                              | THIS?!",
            "COMMENT ON TABLE t IS 'never DROP; this'                     | COMMENT",
            "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE | MERGE!",
            "CALL cleanup()                                               | CALL!",
            "/* a /* nested */ comment */ DELETE FROM t                   | DELETE?!",
    })
    void classifies(String sql, String expected) {
        assertEquals(expected, summary(sql));
    }

    /**
     * JSqlParser 5.3 cannot read DROP DATABASE; its plain form is recognised without it, and every
     * other spelling (comments, hidden characters, options PostgreSQL does not have) still is not
     * understood. Both are destructive.
     */
    @Test
    void dropDatabaseIsUnderstoodInItsPlainFormOnly() {
        SqlClassifier.Classification plain = SqlClassifier.classify("DROP DATABASE \"Orders \"\"EU\"\"\"").get(0);
        assertEquals(new SqlClassifier.Classification("DROP DATABASE", true, true, "DROP removes an object and its data"),
                plain);
        for (String odd : List.of("DROP DATABASE \"ord\u202Eers\"", "DROP DATABASE ord\u200Bers", "DROP\u00A0DATABASE orders",
                "DROP DATABASE orders -- the old one", "DROP DATABASE orders, customers", "DROP DATABASE")) {
            SqlClassifier.Classification c = SqlClassifier.classify(odd).get(0);
            assertFalse(c.understood(), odd);
            assertTrue(c.destructive(), odd);
        }
    }

    @Test
    void aStatementHiddenBehindARightToLeftOverrideIsNotUnderstood() {
        List<SqlClassifier.Classification> c = SqlClassifier.classify("DELETE FROM accounts \u202E;-- 24 = di EREHW");
        assertEquals(1, c.size(), "the comment after the semicolon is no statement");
        assertFalse(c.get(0).understood());
        assertTrue(c.get(0).destructive());
        assertEquals("DELETE statement not understood: the SQL parser cannot read it, so it is treated as destructive",
                c.get(0).reason());
    }

    @Test
    void commentsAloneAreNoStatementAndDollarQuotedBodiesDoNotSplit() {
        assertEquals("", summary("-- nothing; here\n/* nor ; here */"));
        assertEquals(1, SqlClassifier.classify("CREATE FUNCTION f() RETURNS void AS $$ DELETE FROM a; DELETE FROM b $$ "
                + "LANGUAGE sql").size());
        assertEquals("CREATE FUNCTION", SqlClassifier.classify("CREATE FUNCTION f() RETURNS void AS $$ SELECT 1 $$ "
                + "LANGUAGE sql").get(0).kind());
    }

    @Test
    void statementsLeftWhenThePayloadsTimeBudgetIsSpentAreNotUnderstood() {
        List<List<SqlClassifier.Classification>> all = SqlClassifier.classifyAll(
                List.of("SELECT 1", "CREATE TABLE t (id INT); SELECT 2"), 0);
        assertEquals(List.of(1, 2), all.stream().map(List::size).toList());
        all.stream().flatMap(List::stream).forEach(c -> {
            assertFalse(c.understood(), c.kind());
            assertTrue(c.destructive(), c.kind());
        });
        assertEquals("CREATE TABLE", all.get(1).get(0).kind());
    }

    /**
     * Each group of ten nested parentheses makes JSqlParser's complex parsing take seconds (the
     * simple parse fails on the trailing FROM); a hundred of them would keep it busy for minutes.
     * The time limit must stop the parse on the caller's own thread and call it not understood.
     * (The timeout only guards against a hang: without the limit this test ran for minutes.)
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aStatementThatTheParserWouldChewOnForMinutesIsStoppedAndNotUnderstood() {
        String group = "(".repeat(10) + "1" + ")".repeat(10);
        String sql = "SELECT " + String.join(", ", Collections.nCopies(100, group)) + " FROM";
        List<SqlClassifier.Classification> c = SqlClassifier.classify(sql);
        assertEquals(1, c.size());
        assertEquals("SELECT", c.get(0).kind());
        assertFalse(c.get(0).understood());
        assertTrue(c.get(0).destructive());
    }
}
