package io.countersign.identity;

import java.util.List;

/** Admin input that registers or replaces an agent. */
public record AgentInput(String id, String displayName, String ownerUserId, List<String> allowedTypes,
        List<String> allowedTargets, List<String> allowedEnvironments, Quotas quotas, Boolean enabled) {

    /** Per-agent limits; absent values take the configured defaults. */
    public record Quotas(Integer requestsPerMinute, Integer maxPendingReviews) {
    }
}
