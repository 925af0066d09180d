package io.countersign.policy;

import static io.countersign.policy.Policies.withDefault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every malformed policy file is refused at load, naming the rule, the field and the reason. */
class PolicyFileValidationTest {

    private static PolicyViolation only(String yaml) {
        PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> Policies.compile(yaml));
        assertEquals(1, e.violations().size(), () -> "expected one violation, got " + e.violations());
        return e.violations().get(0);
    }

    private static void assertViolation(PolicyViolation v, String rule, String field, String messagePart) {
        assertEquals(rule, v.rule(), v::toString);
        assertEquals(field, v.field(), v::toString);
        assertTrue(v.message().contains(messagePart), () -> v.message() + " should contain " + messagePart);
    }

    @Test
    void acceptsAMinimalPolicyAndAppliesTheDefaultReviewTimeout() {
        CompiledPolicy p = Policies.compile(withDefault(""));
        PolicyDecision d = p.decide(Policies.input("x", "y", "production", "{}"));
        assertEquals("fallback", d.ruleName());
        assertEquals(new ReviewRequirement(List.of("security"), 1, Duration.ofHours(24), null), d.review());
    }

    @Test
    void aReviewMayNameTheChannelsThatTellItsReviewers() {
        CompiledPolicy p = Policies.compile(withDefault("""
                  - name: quiet-push
                    when: type = "code.push"
                    outcome: review
                    risk: high
                    review:
                      groups: [maintainers]
                      notify: [slack, email]
                """));
        assertEquals(List.of("slack", "email"), p.decide(Policies.input("code.push", "y", "production", "{}")).review()
                .notifyChannels());
        assertEquals(null, p.decide(Policies.input("x", "y", "production", "{}")).review().notifyChannels());
    }

    @Test
    void unknownOrRepeatedNotifyChannelsAreRefusedByPosition() {
        String rule = """
                  - name: loud
                    when: type = "code.push"
                    outcome: review
                    risk: high
                    review:
                      groups: [maintainers]
                      notify: %s
                """;
        assertViolation(only(withDefault(rule.formatted("[pager]"))), "loud", "rules[0].review.notify[0]",
                "must be one of [email, slack, teams, webhook], not \"pager\"");
        assertViolation(only(withDefault(rule.formatted("[slack, slack]"))), "loud", "rules[0].review.notify[1]",
                "channel 'slack' is listed twice");
        assertViolation(only(withDefault(rule.formatted("[]"))), "loud", "rules[0].review.notify",
                "must be a non-empty list of channels");
        assertViolation(only(withDefault(rule.formatted("slack"))), "loud", "rules[0].review.notify",
                "must be a non-empty list of channels");
    }

    @Test
    void refusesInvalidFeelNamingRuleAndPosition() {
        PolicyViolation v = only(withDefault("""
                  - name: broken
                    when: amount > and type = "x"
                    outcome: deny
                    risk: high
                """));
        assertViolation(v, "broken", "rules[0].when", "invalid FEEL");
        assertTrue(v.message().contains("1:"), v.message());
    }

    @Test
    void refusesUnknownVariablesInConditions() {
        PolicyViolation v = only(withDefault("""
                  - name: typo
                    when: ammount > 10
                    outcome: deny
                    risk: high
                """));
        assertViolation(v, "typo", "rules[0].when", "unknown variable(s) [ammount]");
    }

    @Test
    void acceptsIterationVariablesOfQuantifiers() {
        Policies.compile(withDefault("""
                  - name: quantified
                    when: some s in payload.statements satisfies every t in [s] satisfies t != ""
                    outcome: deny
                    risk: high
                """));
    }

    @Test
    void refusesUnknownFieldInRule() {
        assertViolation(only(withDefault("""
                  - name: extra
                    when: type = "x"
                    outcome: deny
                    risk: high
                    priority: 3
                """)), "extra", "rules[0].priority", "unknown field");
    }

    @Test
    void refusesUnknownFieldInReview() {
        assertViolation(only(withDefault("""
                  - name: extra-review
                    when: type = "x"
                    outcome: review
                    risk: high
                    review: {groups: [dba], approver: bob}
                """)), "extra-review", "rules[0].review.approver", "unknown field");
    }

    @Test
    void refusesUnknownTopLevelField() {
        assertViolation(only("owner: me\n" + withDefault("")), null, "owner", "unknown field");
    }

    @Test
    void refusesMissingDefaultRule() {
        assertViolation(only("""
                version: "t1"
                rules:
                  - name: only-rule
                    when: type = "x"
                    outcome: deny
                    risk: high
                """), "only-rule", "rules[0]", "a default rule is mandatory");
    }

    @Test
    void refusesDefaultRuleThatIsNotLast() {
        PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> Policies.compile("""
                version: "t1"
                rules:
                  - name: early-default
                    default: true
                    outcome: deny
                    risk: high
                  - name: dead
                    when: type = "x"
                    outcome: deny
                    risk: high
                """));
        assertEquals(2, e.violations().size(), e.violations()::toString);
        assertViolation(e.violations().get(0), "early-default", "rules[0].default", "must be the last rule");
        assertViolation(e.violations().get(1), "dead", "rules[1]", "a default rule is mandatory");
    }

    @Test
    void refusesDefaultRuleWithCondition() {
        assertViolation(only("""
                version: "t1"
                rules:
                  - name: conditional-default
                    default: true
                    when: type = "x"
                    outcome: deny
                    risk: high
                """), "conditional-default", "rules[0].when", "must not have a condition");
    }

    @Test
    void refusesAutoApprovingDefaultRule() {
        assertViolation(only("""
                version: "t1"
                rules:
                  - name: open-gate
                    default: true
                    outcome: auto-approve
                    risk: low
                """), "open-gate", "rules[0].outcome", "must be deny or review");
    }

    @Test
    void refusesNonDefaultRuleWithoutCondition() {
        assertViolation(only(withDefault("""
                  - name: no-when
                    outcome: deny
                    risk: high
                """)), "no-when", "rules[0].when", "is required");
    }

    @Test
    void refusesApprovalsOutsideOneToTwo() {
        for (String approvals : List.of("0", "3", "-1", "1.5", "\"2\"")) {
            assertViolation(only(withDefault("""
                      - name: bad-approvals
                        when: type = "x"
                        outcome: review
                        risk: high
                        review: {groups: [finance], approvals: %s}
                    """.formatted(approvals))), "bad-approvals", "rules[0].review.approvals", "must be 1 or 2");
        }
    }

    @Test
    void refusesReviewWithoutGroups() {
        for (String review : List.of("{approvals: 1}", "{groups: []}")) {
            assertViolation(only(withDefault("""
                      - name: nobody
                        when: type = "x"
                        outcome: review
                        risk: high
                        review: %s
                    """.formatted(review))), "nobody", "rules[0].review.groups", "non-empty list");
        }
    }

    @Test
    void refusesReviewOutcomeWithoutReviewBlock() {
        assertViolation(only(withDefault("""
                  - name: no-review-block
                    when: type = "x"
                    outcome: review
                    risk: high
                """)), "no-review-block", "rules[0].review", "is required for outcome review");
    }

    @Test
    void refusesReviewBlockOnDenyRule() {
        assertViolation(only(withDefault("""
                  - name: deny-with-review
                    when: type = "x"
                    outcome: deny
                    risk: high
                    review: {groups: [dba]}
                """)), "deny-with-review", "rules[0].review", "only allowed with outcome review");
    }

    @Test
    void refusesAgentsAsReviewers() {
        assertViolation(only(withDefault("""
                  - name: self-approval
                    when: type = "x"
                    outcome: review
                    risk: high
                    review: {groups: [agent]}
                """)), "self-approval", "rules[0].review.groups[0]", "may never approve");
    }

    @Test
    void refusesDuplicateRuleNames() {
        PolicyViolation v = only(withDefault("""
                  - name: twin
                    when: type = "a"
                    outcome: deny
                    risk: high
                  - name: twin
                    when: type = "b"
                    outcome: deny
                    risk: high
                """));
        assertViolation(v, "twin", "rules[1].name", "duplicate rule name");
    }

    @Test
    void refusesBadDurations() {
        for (String timeout : List.of("24h", "P1M", "PT0S", "-PT1H", "P400D", "86400")) {
            assertViolation(only(withDefault("""
                      - name: bad-timeout
                        when: type = "x"
                        outcome: review
                        risk: high
                        review: {groups: [dba], timeout: %s}
                    """.formatted(timeout))), "bad-timeout", "rules[0].review.timeout", "");
        }
    }

    @Test
    void refusesUnknownOutcomeAndRisk() {
        PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> Policies.compile(withDefault("""
                  - name: odd
                    when: type = "x"
                    outcome: allow
                    risk: extreme
                """)));
        assertEquals(List.of("rules[0].outcome", "rules[0].risk"), e.violations().stream().map(PolicyViolation::field).toList());
    }

    @Test
    void refusesMissingOrUnquotedVersion() {
        assertViolation(only(withDefault("").replace("version: \"t1\"\n", "")), null, "version", "is required");
        assertViolation(only(withDefault("").replace("version: \"t1\"", "version: 1.10")), null, "version", "quote it");
        assertViolation(only(withDefault("").replace("version: \"t1\"", "version: \"has space\"")), null, "version", "must be");
    }

    @Test
    void refusesDuplicateYamlKeys() {
        assertViolation(only(withDefault("""
                  - name: dup
                    when: type = "x"
                    when: type = "y"
                    outcome: deny
                    risk: high
                """)), null, "file", "duplicate key 'when'");
    }

    @Test
    void refusesMalformedYamlAndEmptyFiles() {
        assertViolation(only("version: [unclosed"), null, "file", "not valid YAML at line");
        assertViolation(only(""), null, "file", "is empty");
        assertViolation(only("- just\n- a list"), null, "file", "must be a mapping");
        assertViolation(only("version: \"t1\"\nrules: []"), null, "rules", "non-empty list");
    }

    @Test
    void reportsEveryViolationAtOnce() {
        PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> Policies.compile(withDefault("""
                  - name: first
                    when: "("
                    outcome: deny
                    risk: high
                  - name: second
                    when: type = "x"
                    outcome: review
                    risk: high
                    review: {groups: [dba], approvals: 5}
                """)));
        assertEquals(List.of("first", "second"), e.violations().stream().map(PolicyViolation::rule).toList());
        assertTrue(e.getMessage().contains("rule 'first' (rules[0].when)"), e.getMessage());
    }

    @Test
    void versionCombinesLabelAndContentHash() {
        CompiledPolicy a = Policies.compile(withDefault(""));
        CompiledPolicy b = Policies.compile(withDefault("") + "# same label, different bytes\n");
        assertTrue(a.version().matches("t1\\+sha256:[0-9a-f]{12}"), a.version());
        assertNotEquals(a.version(), b.version());
        assertEquals(a.version(), Policies.compile(withDefault("")).version());
        assertEquals(64, a.summary().contentSha256().length());
        assertTrue(a.summary().contentSha256().startsWith(a.version().substring("t1+sha256:".length())));
    }
}
