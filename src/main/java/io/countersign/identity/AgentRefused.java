package io.countersign.identity;

/** Fired when an authenticated but unregistered or disabled agent is refused (the audit trail records it). */
public record AgentRefused(String agentId, boolean registered) {
}
