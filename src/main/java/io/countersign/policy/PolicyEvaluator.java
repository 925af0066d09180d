package io.countersign.policy;
/** TEMP contract copy; replaced by the policy branch. */
@jakarta.enterprise.context.ApplicationScoped
public class PolicyEvaluator {
    public PolicyDecision evaluate(PolicyInput in) {
        if (!"production".equals(in.environment())) {
            return new PolicyDecision(PolicyOutcome.AUTO_APPROVE, "temp", "non-production", Risk.LOW, null, "temp");
        }
        return new PolicyDecision(PolicyOutcome.REVIEW, "temp", "default", Risk.MEDIUM,
                new ReviewRequirement(java.util.List.of("security"), 1, java.time.Duration.ofHours(24), null), "temp");
    }
}
