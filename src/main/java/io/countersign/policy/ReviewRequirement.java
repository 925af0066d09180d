package io.countersign.policy;

import java.time.Duration;
import java.util.List;

/**
 * Who must review a request and how: any of {@code groups} may approve, {@code approvals}
 * distinct people (1 or 2) are needed, and after {@code timeout} the request escalates to
 * {@code escalationGroup} (nullable: no escalation) before it expires.
 */
public record ReviewRequirement(List<String> groups, int approvals, Duration timeout, String escalationGroup) {

    public ReviewRequirement {
        groups = List.copyOf(groups);
    }
}
