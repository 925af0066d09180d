package io.countersign.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The policy in force: its recorded {@code version} ({@code label+sha256:<12 hex>}), the
 * file's own {@code label}, the SHA-256 of the file's bytes, where it was read from, when it
 * was loaded, and its rules in evaluation order.
 */
public record PolicySummary(String version, String label, String contentSha256, String source, String description,
        Instant loadedAt, List<RuleSummary> rules) {

    /** One rule as written (condition text included) with its effective review settings. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RuleSummary(String name, String description, String when, PolicyOutcome outcome, Risk risk,
            ReviewSummary review, boolean defaultRule) {
    }

    /** Review settings of a rule; {@code timeout} is an ISO-8601 duration. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReviewSummary(List<String> groups, int approvals, String timeout, String escalationGroup,
            List<String> notifyChannels) {
    }
}
