package io.countersign.action;

/** Fired (outside any transaction) when a per-agent quota refuses a submission; the audit trail records it. */
public record QuotaRefused(String agentId, String quota, int limit) {
}
