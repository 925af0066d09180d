package io.countersign.identity;

import java.util.List;

/** An enabled agent's scope and limits, as the submission path checks them. */
public record RegisteredAgent(String id, String displayName, String ownerUserId, List<String> allowedTypes,
        List<TargetGlob> allowedTargets, List<String> allowedEnvironments, int requestsPerMinute,
        int maxPendingReviews) {

    /** Why {@code type/target/environment} is outside this agent's scope, or null when it is inside. */
    public String scopeViolation(String type, String target, String environment) {
        if (!allowedTypes.contains(type)) {
            return "action type '" + type + "' is not allowed for agent " + id;
        }
        if (allowedTargets.stream().noneMatch(g -> g.matches(target))) {
            return "target '" + target + "' matches none of the agent's allowed target patterns";
        }
        if (!allowedEnvironments.contains(environment)) {
            return "environment '" + environment + "' is not allowed for agent " + id;
        }
        return null;
    }
}
