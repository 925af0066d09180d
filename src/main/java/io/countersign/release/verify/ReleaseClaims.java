package io.countersign.release.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The claims of a release token whose signature verified. {@code json} is the complete
 * claims object as signed; {@code auditSeq} is null while no audit sequence was recorded.
 */
public record ReleaseClaims(
        String keyId,
        String issuer,
        String subject,
        List<String> audience,
        Instant issuedAt,
        Instant expiresAt,
        Instant notBefore,
        String jti,
        UUID requestId,
        String actionType,
        String target,
        String environment,
        String payloadSha256,
        List<String> approvers,
        String policyVersion,
        String policyRule,
        Long auditSeq,
        JsonNode json) {

    public ReleaseClaims {
        audience = List.copyOf(audience);
        approvers = List.copyOf(approvers);
        json = json.deepCopy();
    }

    /** The agent that asked for the action (the {@code sub} claim). */
    public String agentId() {
        return subject;
    }
}
