package io.countersign.policy;

import static io.countersign.policy.Policies.input;
import static io.countersign.policy.Policies.withDefault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conditions see the request with proper FEEL types: numbers, contexts, lists, booleans. */
class FeelContextTest {

    @Test
    void convertsJsonToPlainJavaValues() {
        Map<String, Object> vars = FeelContext.of(input("payment.transfer", "bank://x", "prod", """
                {"amount":"12000.50","currency":"EUR","n":3,"f":0.1,"ok":true,"none":null,"list":[1,"a",null],
                 "beneficiary":{"name":"ACME"}}"""));
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) vars.get("payload");
        assertEquals(new BigDecimal("3"), payload.get("n"));
        assertEquals(new BigDecimal("0.1"), payload.get("f"));
        assertEquals(Boolean.TRUE, payload.get("ok"));
        assertNull(payload.get("none"));
        assertEquals(Arrays.asList(new BigDecimal("1"), "a", null), payload.get("list"));
        assertEquals(Map.of("name", "ACME"), payload.get("beneficiary"));
        assertEquals(new BigDecimal("12000.50"), vars.get("amount"));
        assertEquals("EUR", vars.get("currency"));
        assertEquals("agent-1", vars.get("agent"));
    }

    @Test
    void amountAndCurrencyAreOnlySetForPaymentTransfers() {
        Map<String, Object> vars = FeelContext.of(input("generic", "x", "dev", "{\"amount\":\"5\",\"currency\":\"EUR\"}"));
        assertNull(vars.get("amount"));
        assertNull(vars.get("currency"));
    }

    @Test
    void conditionsCompareNumbersNavigateObjectsAndIterateLists() {
        CompiledPolicy p = Policies.compile(withDefault("""
                  - name: big-diff
                    when: >-
                      type = "code.push" and payload.diffStat.insertions + payload.diffStat.deletions > 500
                      and agent = "agent-1" and target = "git://x" and summary = "test action"
                      and count(payload.reviewers[item != null]) = 1 and payload.draft = false
                    outcome: deny
                    risk: high
                  - name: eur-payments
                    when: amount > 10000 and environment = "production" and currency = "EUR"
                    outcome: deny
                    risk: high
                """));
        assertEquals("big-diff", p.decide(input("code.push", "git://x", "dev",
                "{\"diffStat\":{\"insertions\":450,\"deletions\":51},\"reviewers\":[\"a\",null],\"draft\":false}")).ruleName());
        assertEquals("fallback", p.decide(input("code.push", "git://x", "dev",
                "{\"diffStat\":{\"insertions\":450,\"deletions\":50},\"reviewers\":[\"a\",null],\"draft\":false}")).ruleName());
        assertEquals("eur-payments", p.decide(Policies.payment("production", "10000.5")).ruleName());
        for (String env : List.of("staging")) {
            assertEquals("fallback", p.decide(Policies.payment(env, "10000.5")).ruleName());
        }
    }
}
