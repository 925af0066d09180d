package io.countersign.action;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Hands out the release token of an approved request. Implemented by the release feature;
 * the action feature only asks, so it does not depend on how tokens are made.
 */
public interface ReleaseProvider {

    /** The approved request a release is made for. */
    record ApprovedAction(UUID requestId, String agentId, String type, String target, String environment,
            String payloadSha256, List<String> approvers, String policyVersion, String policyRule) {
    }

    /** What the agent sees of its release. */
    record ReleaseView(String token, String jti, String audience, Instant expiresAt) {
    }

    /** The current, usable release for {@code action}, issuing one if needed. */
    ReleaseView releaseFor(ApprovedAction action);
}
