package io.countersign.policy;

import io.quarkus.logging.Log;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.feel.api.FeelEngineApi;

/**
 * A loaded, validated policy: rules in order with parsed conditions, the last one the default.
 * Immutable, so the evaluator swaps whole policies atomically and evaluates without locks.
 */
final class CompiledPolicy {

    /** Longest reason text a decision carries. */
    static final int MAX_REASON = 1000;

    /** At most one warning per rule per this many milliseconds for failing conditions. */
    private static final long WARN_INTERVAL_MS = 60_000;

    private final String version;
    private final String label;
    private final String contentSha256;
    private final String source;
    private final String description;
    private final Instant loadedAt;
    private final List<CompiledRule> rules;
    private final CompiledRule defaultRule;
    private final FeelEngineApi feel;
    private final Map<String, Long> lastWarning = new ConcurrentHashMap<>();
    /** Parsing SQL costs far more than the rest of an evaluation: only done when a condition names it. */
    private final boolean needsSql;

    CompiledPolicy(String label, String contentSha256, String source, String description, Instant loadedAt,
            List<CompiledRule> rules, FeelEngineApi feel) {
        this.label = label;
        this.contentSha256 = contentSha256;
        this.version = label + "+sha256:" + contentSha256.substring(0, PolicyCompiler.VERSION_HASH_CHARS);
        this.source = source;
        this.description = description;
        this.loadedAt = loadedAt;
        this.rules = List.copyOf(rules);
        this.defaultRule = this.rules.get(this.rules.size() - 1);
        this.feel = feel;
        this.needsSql = this.rules.stream().anyMatch(r -> r.whenSource() != null
                && r.whenSource().contains(FeelContext.SQL_STATEMENTS));
        if (!defaultRule.isDefault()) {
            throw new IllegalArgumentException("last rule must be the default rule");
        }
    }

    String version() {
        return version;
    }

    String source() {
        return source;
    }

    List<CompiledRule> rules() {
        return rules;
    }

    /**
     * First match wins. A condition that cannot be evaluated is skipped, but from then on the
     * request can no longer be auto-approved: a later auto-approve match is replaced by the
     * default rule (review or deny, enforced at load), and the risk is raised to the highest
     * risk among the rules that failed, so a broken condition can never open the gate.
     */
    PolicyDecision decide(PolicyInput input) {
        Map<String, Object> variables = FeelContext.of(input, needsSql);
        List<String> failures = null;
        Risk failedRisk = null;
        for (CompiledRule rule : rules) {
            CompiledRule.Verdict verdict = rule.test(feel, variables);
            if (verdict.matched()) {
                if (failures == null) {
                    return decision(rule, rule.risk(), reasonOf(rule));
                }
                if (rule.outcome() == PolicyOutcome.AUTO_APPROVE) {
                    String reason = "Auto-approval by rule '" + rule.name() + "' withheld because a condition could not be"
                            + " evaluated; default rule '" + defaultRule.name() + "' applies: " + reasonOf(defaultRule);
                    return decision(defaultRule, Risk.max(defaultRule.risk(), failedRisk), withFailures(reason, failures));
                }
                return decision(rule, Risk.max(rule.risk(), failedRisk), withFailures(reasonOf(rule), failures));
            }
            if (verdict.indeterminate()) {
                if (failures == null) {
                    failures = new ArrayList<>(2);
                }
                failures.add("rule '" + rule.name() + "': " + verdict.failure());
                failedRisk = failedRisk == null ? rule.risk() : Risk.max(failedRisk, rule.risk());
                warnRateLimited(rule, verdict.failure());
            }
        }
        // Unreachable: the default rule always matches and is last (checked at load and in the constructor).
        throw new IllegalStateException("policy " + version + " has no matching default rule");
    }

    private PolicyDecision decision(CompiledRule rule, Risk risk, String reason) {
        return new PolicyDecision(rule.outcome(), version, rule.name(), risk,
                rule.outcome() == PolicyOutcome.REVIEW ? rule.review() : null, truncate(reason));
    }

    private static String reasonOf(CompiledRule rule) {
        return rule.description() != null ? rule.description() : "Rule '" + rule.name() + "' matched.";
    }

    private static String withFailures(String reason, List<String> failures) {
        return reason + (reason.endsWith(".") ? "" : ".") + " Could not evaluate: " + String.join("; ", failures) + ".";
    }

    private static String truncate(String s) {
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON - 1) + "…";
    }

    private void warnRateLimited(CompiledRule rule, String failure) {
        long now = System.currentTimeMillis();
        Long last = lastWarning.get(rule.name());
        if (last == null || now - last >= WARN_INTERVAL_MS) {
            lastWarning.put(rule.name(), now);
            Log.warnf("Policy %s rule '%s': condition could not be evaluated (%s); failing closed."
                    + " Further failures of this rule are not logged for %d s.", version, rule.name(), failure,
                    WARN_INTERVAL_MS / 1000);
        }
    }

    PolicySummary summary() {
        List<PolicySummary.RuleSummary> ruleSummaries = rules.stream().map(r -> new PolicySummary.RuleSummary(
                r.name(), r.description(), r.whenSource(), r.outcome(), r.risk(),
                r.review() == null ? null : new PolicySummary.ReviewSummary(r.review().groups(), r.review().approvals(),
                        r.review().timeout().toString(), r.review().escalationGroup(), r.review().notifyChannels()),
                r.isDefault())).toList();
        return new PolicySummary(version, label, contentSha256, source, description, loadedAt, ruleSummaries);
    }
}
