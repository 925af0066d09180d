package io.countersign.policy;

import static io.countersign.policy.Policies.input;
import static io.countersign.policy.Policies.withDefault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A condition that cannot be evaluated never opens the gate: such requests are never auto-approved. */
class PolicyFailClosedTest {

    private static final CompiledPolicy BUNDLED = Policies.bundled();

    @ParameterizedTest
    @ValueSource(strings = { "{\"amount\":\"12,000\",\"currency\":\"EUR\"}", "{\"amount\":12000,\"currency\":\"EUR\"}",
            "{\"amount\":\"-5\",\"currency\":\"EUR\"}", "{\"amount\":\"1e9\",\"currency\":\"EUR\"}", "{\"currency\":\"EUR\"}" })
    void paymentWithUnreadableAmountIsNotAutoApprovedOutsideProduction(String payload) {
        PolicyDecision d = BUNDLED.decide(input("payment.transfer", "bank://main", "staging", payload));
        assertEquals(PolicyOutcome.REVIEW, d.outcome(), payload);
        assertEquals("security-review", d.ruleName());
        assertEquals(Risk.HIGH, d.risk(), "risk is raised to that of the rule that could not be evaluated");
        assertTrue(d.reason().contains("Auto-approval by rule 'non-production-auto-approve' withheld"), d.reason());
        assertTrue(d.reason().contains("rule 'large-payment': condition evaluated to null"), d.reason());
    }

    @Test
    void schemaChangeWithoutStatementListIsNotAutoApproved() {
        PolicyDecision d = BUNDLED.decide(input("db.schema.change", "db://orders", "staging", "{\"database\":\"orders\"}"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome());
        assertEquals("security-review", d.ruleName());
        assertEquals(Risk.CRITICAL, d.risk());
        assertTrue(d.reason().contains("rule 'deny-drop-database'"), d.reason());
    }

    @Test
    void schemaChangeWithNonStringStatementIsNotAutoApproved() {
        PolicyDecision d = BUNDLED.decide(input("db.schema.change", "db://orders", "staging",
                "{\"database\":\"orders\",\"statements\":[\"CREATE TABLE t (i INT)\", 42]}"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome());
        assertEquals("security-review", d.ruleName());
    }

    @Test
    void pushWithoutBranchIsNotAutoApproved() {
        PolicyDecision d = BUNDLED.decide(input("code.push", "git://x", "dev", "{\"repository\":\"acme/app\"}"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome());
        assertEquals("security-review", d.ruleName());
        assertTrue(d.reason().contains("rule 'protected-branch-push'"), d.reason());
    }

    @Test
    void missingEnvironmentIsNotAutoApproved() {
        PolicyDecision d = BUNDLED.decide(new PolicyInput("agent-1", "generic", "x", null, null, null, null));
        assertEquals(PolicyOutcome.REVIEW, d.outcome());
        assertEquals("security-review", d.ruleName());
        assertTrue(d.reason().contains("rule 'non-production-auto-approve'"), d.reason());
    }

    @Test
    void laterDenyRuleStillDeniesAfterAFailure() {
        CompiledPolicy p = Policies.compile(withDefault("""
                  - name: needs-amount
                    when: amount > 100
                    outcome: auto-approve
                    risk: low
                  - name: deny-x
                    when: type = "x"
                    outcome: deny
                    risk: medium
                """));
        PolicyDecision d = p.decide(input("x", "t", "staging", "{}"));
        assertEquals(PolicyOutcome.DENY, d.outcome());
        assertEquals("deny-x", d.ruleName());
        assertEquals(Risk.MEDIUM, d.risk());
        assertTrue(d.reason().contains("Could not evaluate: rule 'needs-amount'"), d.reason());
    }

    @Test
    void laterReviewRuleGetsTheHigherRiskOfTheFailedRule() {
        CompiledPolicy p = Policies.compile(withDefault("""
                  - name: critical-check
                    when: payload.size > 3
                    outcome: deny
                    risk: critical
                  - name: review-x
                    when: type = "x"
                    outcome: review
                    risk: low
                    review: {groups: [ops], approvals: 2}
                """));
        PolicyDecision d = p.decide(input("x", "t", "staging", "{\"size\":\"big\"}"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome());
        assertEquals("review-x", d.ruleName());
        assertEquals(Risk.CRITICAL, d.risk());
        assertEquals(2, d.review().approvals());
    }

    @Test
    void nonBooleanAndExplicitFailuresAreIndeterminateToo() {
        CompiledPolicy p = Policies.compile(withDefault("""
                  - name: returns-string
                    when: payload.name
                    outcome: deny
                    risk: low
                  - name: asserts
                    when: assert(payload.count, payload.count > 0)
                    outcome: deny
                    risk: low
                  - name: open
                    when: true
                    outcome: auto-approve
                    risk: low
                """));
        PolicyDecision d = p.decide(input("x", "t", "staging", "{\"name\":\"n\",\"count\":0}"));
        assertEquals(PolicyOutcome.REVIEW, d.outcome());
        assertEquals("fallback", d.ruleName());
        assertTrue(d.reason().contains("rule 'returns-string': condition evaluated to a String, not a boolean"), d.reason());
        assertTrue(d.reason().contains("rule 'asserts'"), d.reason());
    }

    @Test
    void denyingDefaultRuleDeniesWhatCouldNotBeEvaluated() {
        CompiledPolicy p = Policies.compile("""
                version: "t1"
                rules:
                  - name: needs-amount
                    when: type = "payment.transfer" and amount < 100
                    outcome: auto-approve
                    risk: low
                  - name: open
                    when: true
                    outcome: auto-approve
                    risk: low
                  - name: closed
                    default: true
                    outcome: deny
                    risk: high
                """);
        PolicyDecision d = p.decide(input("payment.transfer", "t", "staging", "{\"amount\":\"n/a\"}"));
        assertEquals(PolicyOutcome.DENY, d.outcome());
        assertEquals("closed", d.ruleName());
        assertNull(d.review());
        assertEquals(PolicyOutcome.AUTO_APPROVE, p.decide(input("payment.transfer", "t", "staging", "{\"amount\":\"5\"}")).outcome());
    }

    @Test
    void cleanFalseFromAMissingOptionalFieldIsNotAFailure() {
        CompiledPolicy p = Policies.compile(withDefault("""
                  - name: dry-run
                    when: payload.dryRun = true
                    outcome: deny
                    risk: low
                  - name: open
                    when: true
                    outcome: auto-approve
                    risk: low
                """));
        PolicyDecision d = p.decide(input("x", "t", "staging", "{}"));
        assertEquals(PolicyOutcome.AUTO_APPROVE, d.outcome());
        assertEquals("open", d.ruleName());
    }
}
