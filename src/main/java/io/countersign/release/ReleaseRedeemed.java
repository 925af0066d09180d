package io.countersign.release;

import java.time.Instant;
import java.util.UUID;

/**
 * CDI event fired inside the redeeming transaction when a release token is redeemed (once);
 * {@code agentId} is the agent the release was issued to.
 */
public record ReleaseRedeemed(String jti, UUID requestId, String redeemer, Instant redeemedAt, String agentId) {
}
