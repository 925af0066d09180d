package io.countersign.identity;

import java.time.OffsetDateTime;
import java.util.List;

/** An agent as the admin API shows it. */
public record AgentView(String id, String displayName, String ownerUserId, List<String> allowedTypes,
        List<String> allowedTargets, List<String> allowedEnvironments, QuotaView quotas, boolean enabled,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** The agent's effective limits. */
    public record QuotaView(int requestsPerMinute, int maxPendingReviews) {
    }

    static AgentView of(Agent a) {
        return new AgentView(a.id, a.displayName, a.ownerUserId, a.allowedTypes, a.allowedTargets,
                a.allowedEnvironments, new QuotaView(a.quotaRequestsPerMinute, a.quotaMaxPendingReviews), a.enabled,
                a.createdAt, a.updatedAt);
    }
}
