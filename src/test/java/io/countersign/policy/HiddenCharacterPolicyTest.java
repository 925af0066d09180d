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
}
