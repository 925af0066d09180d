package io.countersign.release;

import java.util.List;
import java.util.UUID;

/**
 * What an approved request is released for: everything the token binds. {@code payloadSha256}
 * is the lower-case hex SHA-256 of the payload's RFC 8785 canonical JSON
 * ({@code Jcs.sha256Hex}); {@code approvalAuditSeq} is null until the audit trail assigns it.
 */
public record ReleaseRequest(UUID requestId, String agentId, String actionType, String target, String environment,
        String payloadSha256, List<String> approvers, String policyVersion, String policyRule, Long approvalAuditSeq) {
}
