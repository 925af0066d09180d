package io.countersign.policy;

import static io.countersign.policy.Policies.input;
import static io.countersign.policy.Policies.schemaChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bundled policy never auto-approves a request that hides characters from the reviewer. */
class HiddenCharacterPolicyTest {

    private static final CompiledPolicy POLICY = Policies.bundled();

    @Test
    void routesAStagingRequestWithARightToLeftOverrideToSecurityReviewWithHighRisk() {
        PolicyDecision clean = POLICY.decide(schemaChange("staging", "ALTER TABLE accounts ADD COLUMN note TEXT"));
        assertEquals(PolicyOutcome.AUTO_APPROVE, clean.outcome());
        PolicyDecision d = POLICY.decide(schemaChange("staging", "DELETE FROM accounts \u202E;-- 24 = di EREHW"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome(), d.reason());
        assertEquals(Risk.HIGH, d.risk());
        assertTrue(d.review().groups().contains("security"), d.review().toString());
    }

    @Test
    void hiddenCharactersAnywhereInTheRequestCount() {
        for (PolicyInput in : new PolicyInput[] {
                input("ops.restart", "svc:api", "staging", "{\"note\":\"restart \u200B now\"}"),
                input("ops.restart", "svc:api\u2066", "staging", "{}"),
                input("ops.restart", "svc:api", "staging", "{\"n\u200Dote\":\"x\"}"),
                new PolicyInput("agent-1", "ops.restart", "svc:api", "staging", "restart\u202E", "ok", Policies.json("{}")),
                new PolicyInput("agent-1", "ops.restart", "svc:api", "staging", "restart", "ok\u2067", Policies.json("{}")) }) {
            PolicyDecision d = POLICY.decide(in);
            assertEquals(PolicyOutcome.REVIEW, d.outcome(), in.toString());
            assertEquals(Risk.HIGH, d.risk(), in.toString());
        }
    }

    @Test
    void lookAlikeLettersInABeneficiaryNameAreNotAutoApproved() {
        PolicyDecision d = POLICY.decide(input("payment.transfer", "bank://main", "staging", "{\"amount\":\"10.00\","
                + "\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACM\u0415\",\"iban\":\"DE89370400440532013000\"},"
                + "\"reference\":\"INV-1\"}"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome(), d.reason());
    }

    @Test
    void sqlTheParserCannotReadIsNotAutoApproved() {
        PolicyDecision d = POLICY.decide(schemaChange("staging", "VACUUM FULL orders"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome(), d.reason());
    }

    @Test
    void theDocumentedExampleRulesDecideAsDescribed() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/policy.md"));
        int at = doc.indexOf("<!-- example: sql-and-hidden-characters -->");
        String yaml = doc.substring(doc.indexOf("```yaml\n", at) + 8, doc.indexOf("```\n", doc.indexOf("```yaml\n", at) + 8));
        CompiledPolicy p = Policies.compile(Policies.withDefault(yaml));
        assertEquals("destructive-sql-in-production",
                p.decide(schemaChange("production", "ALTER TABLE t DROP COLUMN c")).ruleName());
        assertEquals("destructive-sql-in-production", p.decide(schemaChange("production", "VACUUM t")).ruleName(),
                "not understood counts as destructive");
        assertEquals("fallback", p.decide(schemaChange("production", "ALTER TABLE t ADD COLUMN c INT")).ruleName());
        assertEquals(PolicyOutcome.DENY, p.decide(schemaChange("staging", "SELECT 1; delete from t where id = 1"))
                .outcome());
        assertEquals("hidden-characters", p.decide(input("ops.restart", "svc:a\u200B", "staging", "{}")).ruleName());
        assertEquals("fallback", p.decide(input("ops.restart", "svc:a", "staging", "{\"who\":\"M\u00fcller\"}"))
                .ruleName());
    }

    @Test
    void policyInputCarriesTheParsersReadingOfEveryStatement() {
        java.util.Map<String, Object> vars = FeelContext.of(schemaChange("staging", "SELECT 1; DELETE FROM t", "VACUUM t"));
        assertEquals(java.util.List.of(
                java.util.Map.of("kind", "SELECT", "destructive", false, "understood", true),
                java.util.Map.of("kind", "DELETE", "destructive", true, "understood", true),
                java.util.Map.of("kind", "VACUUM", "destructive", true, "understood", false)),
                ((java.util.List<?>) vars.get("sqlStatements")).stream().map(o -> {
                    java.util.Map<?, ?> m = (java.util.Map<?, ?>) o;
                    return java.util.Map.of("kind", m.get("kind"), "destructive", m.get("destructive"),
                            "understood", m.get("understood"));
                }).toList());
        assertEquals(java.util.List.of(), FeelContext.of(input("ops.restart", "x", "dev", "{\"statements\":[\"DROP TABLE t\"]}"))
                .get("sqlStatements"));
        assertEquals(new java.math.BigDecimal(0), FeelContext.of(input("ops.restart", "x", "dev", "{}")).get("hiddenCharacters"));
    }
}
