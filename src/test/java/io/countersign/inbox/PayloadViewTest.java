package io.countersign.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.common.json.JsonSupport;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What the request page says about SQL statements and about text the reviewer cannot see. */
class PayloadViewTest {

    static PayloadView sql(String... statements) {
        ObjectNode p = JsonSupport.MAPPER.createObjectNode().put("database", "orders");
        ArrayNode list = p.putArray("statements");
        for (String s : statements) {
            list.add(s);
        }
        return PayloadView.of("db.schema.change", p);
    }

    static PayloadView.Statement only(String statement) {
        PayloadView v = sql(statement);
        assertEquals(1, v.statements().size());
        return v.statements().get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = { "DELETE FROM orders;", "DELETE FROM orders", "delete from orders -- WHERE id = 1",
            "DELETE FROM orders /* WHERE id = 1 */", "UPDATE accounts SET balance = 0", "DROP TABLE \"Orders\"",
            "drop table orders", "TRUNCATE audit_log", "ALTER TABLE t DROP COLUMN c", "alter table t add column x int, drop column y",
            "ALTER TABLE t DROP CONSTRAINT fk", "GRANT SELECT ON orders TO public", "REVOKE SELECT ON orders FROM app",
            "DROP SCHEMA public CASCADE", "DROP DATABASE orders", "DROP/* sneaky */DATABASE orders",
            "SELECT 1; DELETE FROM orders", "CREATE INDEX i ON t (c); DROP TABLE t",
            "DO $$ BEGIN DELETE FROM orders; END $$", "this is not SQL at all", "DELETE FROM accounts \u202E;-- 24 = di EREHW",
            "SELECT $tag$ text $tag$; TRUNCATE t" })
    void flagsDestructiveAndUnreadableStatements(String statement) {
        PayloadView.Statement s = only(statement);
        assertTrue(s.destructive(), statement);
        assertNotNull(s.reason(), statement);
    }

    @ParameterizedTest
    @ValueSource(strings = { "DELETE FROM orders WHERE id = 42", "UPDATE t SET a = 1 WHERE id = 2",
            "INSERT INTO log (msg) VALUES ('DROP TABLE orders; TRUNCATE x')", "ALTER TABLE \"drop\" ADD COLUMN note TEXT",
            "ALTER TABLE orders ADD COLUMN note TEXT -- DROP COLUMN note", "CREATE TABLE t (id INT PRIMARY KEY) /* DROP TABLE t */",
            "CREATE INDEX idx_orders_customer ON orders (customer_id)", "SELECT 'a;DELETE FROM t'",
            "COMMENT ON TABLE orders IS 'never DROP this'" })
    void leavesHarmlessStatementsUnflagged(String statement) {
        PayloadView.Statement s = only(statement);
        assertFalse(s.destructive(), statement + ": " + s.reason());
        assertNull(s.reason(), statement);
    }

    @Test
    void unreadableStatementsAreShownAsNotUnderstoodNeverAsSafe() {
        PayloadView.Statement s = only("this is not SQL at all");
        assertTrue(s.reason().contains("not understood"), s.reason());
        assertTrue(only("DROP/* sneaky */DATABASE orders").reason().contains("DROP DATABASE"),
                "DROP DATABASE is named even when unparsed");
    }

    @Test
    void namesEachReasonInAMultiStatementString() {
        PayloadView.Statement s = only("ALTER TABLE orders ADD COLUMN note TEXT; DELETE FROM orders");
        assertTrue(s.reason().contains("DELETE without WHERE"), s.reason());
        assertEquals(1, sql("SELECT 1", "TRUNCATE t", "CREATE TABLE u (id INT)").destructiveCount());
    }

    private static PayloadView push(String patch) {
        ObjectNode p = JsonSupport.MAPPER.createObjectNode().put("repository", "github.com/acme/api")
                .put("branch", "main").put("commitSha", "a".repeat(40)).put("patch", patch);
        p.putObject("diffStat").put("filesChanged", 1).put("insertions", 1).put("deletions", 1);
        return PayloadView.of("code.push", p);
    }

    @Test
    void patchLinesCarryTheirKindAsAClass() {
        PayloadView v = push("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n");
        assertEquals(List.of("patch-meta", "patch-meta", "patch-meta", "patch-hunk", "patch-context", "patch-del",
                "patch-add"), v.patchHead().stream().map(PayloadView.PatchLine::css).toList());
        assertEquals("+new", v.patchHead().get(6).text().plain());
        assertTrue(v.patchRest().isEmpty());
    }

    @Test
    void aLongPatchFoldsAfterTheFirstLinesAndKeepsEveryLine() {
        StringBuilder patch = new StringBuilder("@@ -1,70 +1,70 @@\n");
        for (int i = 0; i < 70; i++) {
            patch.append("+line ").append(i).append('\n');
        }
        PayloadView v = push(patch.toString());
        assertEquals(PayloadView.PATCH_SHOWN, v.patchHead().size());
        assertEquals(71 - PayloadView.PATCH_SHOWN, v.patchRest().size());
        assertEquals("+line 69", v.patchRest().get(v.patchRest().size() - 1).text().plain());
    }

    @Test
    void aPatchJustOverTheShownLinesIsNotFolded() {
        PayloadView v = push("+a\n".repeat(PayloadView.PATCH_FOLD_OVER));
        assertEquals(PayloadView.PATCH_FOLD_OVER, v.patchHead().size());
        assertTrue(v.patchRest().isEmpty());
    }

    @Test
    void aPaymentAmountIsGroupedForTheReaderBesideTheExactValue() {
        ObjectNode p = JsonSupport.MAPPER.createObjectNode().put("amount", "12500.00").put("currency", "EUR")
                .put("reference", "INV-1");
        p.putObject("beneficiary").put("name", "ACME GmbH").put("iban", "DE89370400440532013000");
        PayloadView.Row amount = PayloadView.of("payment.transfer", p, java.util.Locale.GERMAN).rows().get(0);
        assertEquals("12500.00 EUR", amount.value().plain());
        assertEquals("12.500,00 EUR", amount.grouped());
    }
}
