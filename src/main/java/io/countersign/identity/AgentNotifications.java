package io.countersign.identity;

import io.countersign.notify.PostgresNotifications;
import io.countersign.notify.ReplicaNotification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

/**
 * Agent-registry changes across replicas: a change sends {@code agent:<id>} in its transaction,
 * and every replica that receives it drops the agent from its {@link AgentCache}.
 */
@ApplicationScoped
public class AgentNotifications {

    /** Payload prefix of an agent-registry change. */
    public static final String PREFIX = "agent:";

    @Inject
    PostgresNotifications notifications;

    @Inject
    AgentCache agents;

    /** Tells the other replicas to drop their cached registry entry for the changed agent. */
    void onAgentChanged(@Observes(during = TransactionPhase.IN_PROGRESS) AgentChanged change) {
        notifications.publish(PREFIX + change.agentId());
    }

    void onNotification(@Observes ReplicaNotification notification) {
        String agentId = notification.after(PREFIX);
        if (agentId != null) {
            agents.invalidate(agentId);
        }
    }
}
