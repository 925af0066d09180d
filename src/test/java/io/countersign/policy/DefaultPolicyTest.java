package io.countersign.policy;

import static io.countersign.policy.Policies.input;
import static io.countersign.policy.Policies.payment;
import static io.countersign.policy.Policies.push;
import static io.countersign.policy.Policies.schemaChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bundled default policy decides each kind of request as docs/policy.md promises. */
class DefaultPolicyTest {

    private static final CompiledPolicy POLICY = Policies.bundled();

    @ParameterizedTest
    @ValueSource(strings = { "DROP DATABASE orders", "drop schema public cascade", "ALTER TABLE x ADD c INT; DROP  DATABASE y",
            "DROP/* sneaky */DATABASE orders", "drop -- comment\n database orders", "Drop\n\tSchema s" })
    void deniesDropDatabaseOrSchemaInAnyEnvironment(String statement) {
        for (String env : List.of("production", "staging")) {
            PolicyDecision d = POLICY.decide(schemaChange(env, "CREATE TABLE t (id INT)", statement));
            assertEquals(PolicyOutcome.DENY, d.outcome(), statement + " in " + env);
            assertEquals("deny-drop-database", d.ruleName());
            assertEquals(Risk.CRITICAL, d.risk());
            assertNull(d.review());
        }
    }

    @Test
    void doesNotTreatDroppingATableOrColumnAsDroppingADatabase() {
        PolicyDecision d = POLICY.decide(schemaChange("staging", "DROP TABLE old_orders", "ALTER TABLE t DROP COLUMN schema_version"));
        assertEquals(PolicyOutcome.AUTO_APPROVE, d.outcome());
        assertEquals("non-production-auto-approve", d.ruleName());
    }

    @Test
    void sendsProductionSchemaChangesToDbaWithSecurityEscalation() {
        PolicyDecision d = POLICY.decide(schemaChange("production", "ALTER TABLE orders ADD COLUMN note TEXT"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome());
        assertEquals("production-schema-change", d.ruleName());
        assertEquals(Risk.HIGH, d.risk());
        assertEquals(new ReviewRequirement(List.of("dba"), 1, Duration.ofHours(24), "security"), d.review());
        assertEquals("Schema changes to production need a DBA's approval.", d.reason());
        assertTrue(d.policyVersion().startsWith("2026-12-01.1+sha256:"), d.policyVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = { "Production", "prod", "prod-eu" })
    void treatsProdLikeEnvironmentNamesAsProduction(String env) {
        assertEquals("production-schema-change", POLICY.decide(schemaChange(env, "CREATE INDEX i ON t(c)")).ruleName());
        assertEquals(PolicyOutcome.REVIEW, POLICY.decide(input("generic", "x", env, "{}")).outcome());
    }

    @Test
    void requiresTwoFinanceApprovalsAbove10000() {
        PolicyDecision d = POLICY.decide(payment("staging", "10000.01"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome());
        assertEquals("large-payment", d.ruleName());
        assertEquals(Risk.HIGH, d.risk());
        assertEquals(new ReviewRequirement(List.of("finance"), 2, Duration.ofHours(24), "security"), d.review());
    }

    @ParameterizedTest
    @ValueSource(strings = { "10000", "10000.00", "9999.99", "0.01" })
    void autoApprovesPaymentsUpTo10000OutsideProduction(String amount) {
        PolicyDecision d = POLICY.decide(payment("staging", amount));
        assertEquals(PolicyOutcome.AUTO_APPROVE, d.outcome(), amount);
        assertEquals("non-production-auto-approve", d.ruleName());
        assertEquals(Risk.LOW, d.risk());
        assertNull(d.review());
    }

    @Test
    void sendsSmallProductionPaymentsToSecurityReviewAndLargeOnesToFinance() {
        assertEquals("security-review", POLICY.decide(payment("production", "10000")).ruleName());
        assertEquals("large-payment", POLICY.decide(payment("production", "12000.00")).ruleName());
    }

    @ParameterizedTest
    @ValueSource(strings = { "main", "master", "release/x", "release/2026.11", "refs/heads/main" })
    void sendsPushesToProtectedBranchesToMaintainers(String branch) {
        PolicyDecision d = POLICY.decide(push("staging", branch));
        assertEquals(PolicyOutcome.REVIEW, d.outcome(), branch);
        assertEquals("protected-branch-push", d.ruleName());
        assertEquals(Risk.MEDIUM, d.risk());
        assertEquals(List.of("maintainers"), d.review().groups());
        assertEquals(1, d.review().approvals());
        assertNull(d.review().escalationGroup());
    }

    @ParameterizedTest
    @ValueSource(strings = { "feature/login", "mainline", "releases/1", "my-release/1", "main2" })
    void autoApprovesPushesToOtherBranchesOutsideProduction(String branch) {
        PolicyDecision d = POLICY.decide(push("staging", branch));
        assertEquals(PolicyOutcome.AUTO_APPROVE, d.outcome(), branch);
        assertEquals("non-production-auto-approve", d.ruleName());
    }

    @ParameterizedTest
    @ValueSource(strings = { "staging", "dev", "test", "sandbox" })
    void autoApprovesOtherActionsOutsideProduction(String env) {
        PolicyDecision d = POLICY.decide(input("generic.action", "svc://x", env, "{\"anything\":[1,2,3]}"));
        assertEquals(PolicyOutcome.AUTO_APPROVE, d.outcome());
        assertEquals("non-production-auto-approve", d.ruleName());
        assertEquals(Risk.LOW, d.risk());
        assertEquals("Actions outside production that no rule above flagged are approved automatically.", d.reason());
    }

    @Test
    void sendsEverythingElseToSecurityByDefault() {
        PolicyDecision d = POLICY.decide(input("generic.action", "svc://x", "production", "{}"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome());
        assertEquals("security-review", d.ruleName());
        assertEquals(Risk.MEDIUM, d.risk());
        assertEquals(new ReviewRequirement(List.of("security"), 1, Duration.ofHours(24), null), d.review());
    }

    @Test
    void sendsProductionPushesToFeatureBranchesToSecurity() {
        assertEquals("security-review", POLICY.decide(push("production", "feature/x")).ruleName());
    }
}
