package io.countersign.audit;

import io.countersign.action.ActionStatusChanged;
import io.countersign.action.QuotaRefused;
import io.countersign.common.Actor;
import io.countersign.identity.AgentChanged;
import io.countersign.identity.AgentRefused;
import io.countersign.notification.SlackLinked;
import io.countersign.policy.PolicyReloadRejected;
import io.countersign.policy.PolicyReloaded;
import io.countersign.review.ReviewDecided;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the domain events of the other features into audit events. Events fired inside a
 * transaction are recorded in that transaction (synchronous observers), so a change and its
 * audit event commit or roll back together; refusals, which change nothing, get their own.
 */
@ApplicationScoped
public class AuditRecorder {

    @Inject
    AuditTrail trail;

    void onActionStatus(@Observes ActionStatusChanged e) {
        Map<String, Object> data = new LinkedHashMap<>(e.details() == null ? Map.of() : e.details());
        data.put("agentId", e.agentId());
        data.put("to", e.to().name());
        if (e.from() != null) {
            data.put("from", e.from().name());
        }
        String type = e.from() == null ? "action.submitted" : "action." + e.to().name().toLowerCase(Locale.ROOT);
        trail.record(kind(e.actor()), e.actor().id(), e.requestId(), type, data);
    }

    void onReviewDecided(@Observes ReviewDecided e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agentId", e.agentId());
        data.put("decision", e.decision().name());
        data.put("payloadSha256", e.payloadSha256());
        data.put("round", e.round());
        data.put("approvalsSoFar", e.approvalsSoFar());
        data.put("approvalsRequired", e.approvalsRequired());
        if (e.comment() != null) {
            data.put("comment", e.comment());
        }
        trail.record(ActorKind.USER, e.reviewer(), e.requestId(), "review.decided", data);
    }

    void onAgentChanged(@Observes AgentChanged e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agentId", e.after().id());
        if (e.before() != null) {
            data.put("before", e.before());
        }
        data.put("after", e.after());
        trail.record(ActorKind.USER, e.actor(), null, e.eventType(), data);
    }

    void onPolicyReloaded(@Observes PolicyReloaded e) {
        trail.record(ActorKind.USER, e.actor(), null, "policy.reloaded", Map.of("previousVersion",
                String.valueOf(e.previousVersion()), "newVersion", e.newVersion(), "source", String.valueOf(e.source())));
    }

    void onPolicyReloadRejected(@Observes PolicyReloadRejected e) {
        trail.record(ActorKind.USER, e.actor(), null, "policy.reload_rejected", Map.of("activeVersion",
                e.activeVersion(), "source", String.valueOf(e.source()), "violations", e.violations().stream()
                        .map(v -> v.rule() + " " + v.field() + ": " + v.message()).toList()));
    }

    void onSlackLinked(@Observes SlackLinked e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("teamId", e.teamId());
        data.put("slackUserId", e.slackUserId());
        if (e.previousUserId() != null) {
            data.put("previousUserId", e.previousUserId());
        }
        trail.record(ActorKind.USER, e.userId(), null, "slack.linked", data);
    }

    void onQuotaRefused(@Observes QuotaRefused e) {
        QuarkusTransaction.requiringNew().run(() -> trail.record(ActorKind.AGENT, e.agentId(), null, "quota.refused",
                Map.of("quota", e.quota(), "limit", e.limit())));
    }

    void onAgentRefused(@Observes AgentRefused e) {
        QuarkusTransaction.requiringNew().run(() -> trail.record(ActorKind.AGENT, e.agentId(), null, "agent.refused",
                Map.of("reason", e.registered() ? "disabled" : "not registered")));
    }

    private static ActorKind kind(Actor actor) {
        return ActorKind.valueOf(actor.kind().name());
    }
}
