package io.countersign.release;

import io.countersign.audit.ActorKind;
import io.countersign.audit.AuditTrail;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/** Records issued and redeemed releases in the decision trail, in the transaction that made them. */
@ApplicationScoped
public class ReleaseAudit {

    @Inject
    AuditTrail trail;

    void onIssued(@Observes ReleaseIssued e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agentId", e.agentId());
        data.put("jti", e.jti());
        data.put("audience", e.audience());
        data.put("kid", e.kid());
        data.put("payloadSha256", e.payloadSha256());
        data.put("expiresAt", e.expiresAt().toString());
        if (e.approvalAuditSeq() != null) {
            data.put("approvalAuditSeq", e.approvalAuditSeq());
        }
        trail.record(ActorKind.SYSTEM, "release", e.requestId(), "release.issued", data);
    }

    /** Recorded in a transaction of its own: the refused redemption rolls back and changes nothing. */
    void onRedeemRefused(@Observes ReleaseRedeemRefused e) {
        QuarkusTransaction.requiringNew().run(() -> trail.record(ActorKind.USER, e.redeemer(), e.requestId(),
                "release.redeem_refused", Map.of("jti", e.jti(), "audience", e.audience(), "reason", "wrong-executor")));
    }

    void onRedeemed(@Observes ReleaseRedeemed e) {
        trail.record(e.redeemer() == null ? ActorKind.SYSTEM : ActorKind.USER,
                e.redeemer() == null ? "anonymous-executor" : e.redeemer(), e.requestId(),
                "release.redeemed", Map.of("agentId", e.agentId(), "jti", e.jti(), "redeemedAt", e.redeemedAt().toString()));
    }
}
