package io.countersign.identity;

/** Fired inside the transaction that registers or changes an agent (the audit trail records it). */
public record AgentChanged(String eventType, String actor, AgentView before, AgentView after) {

    /** The id of the agent that changed. */
    public String agentId() {
        return after != null ? after.id() : before.id();
    }
}
