package io.countersign.release;

import java.time.Instant;
import java.util.UUID;

/** CDI event fired inside the issuing transaction when a release token is created. */
public record ReleaseIssued(String jti, UUID requestId, String agentId, String audience, String actionType,
        String payloadSha256, String kid, Instant issuedAt, Instant expiresAt, Long approvalAuditSeq) {
}
