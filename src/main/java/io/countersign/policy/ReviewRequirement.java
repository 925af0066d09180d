package io.countersign.policy;

import java.time.Duration;
import java.util.List;

/**
 * Who must review a request and how: any of {@code groups} may approve, {@code approvals}
 * distinct people (1 or 2) are needed, and after {@code timeout} the request escalates to
 * {@code escalationGroup} (nullable: no escalation) before it expires. {@code notifyChannels}
 * (the rule's {@code review.notify}) names the channels that tell the reviewers ({@link #CHANNELS};
 * null: every channel the groups' routes have, docs/notifications.md).
 */
public record ReviewRequirement(List<String> groups, int approvals, Duration timeout, String escalationGroup,
        List<String> notifyChannels) {

    /** The channel names a rule's {@code review.notify} may list. */
    public static final List<String> CHANNELS = List.of("email", "slack", "teams", "webhook");

    public ReviewRequirement {
        groups = List.copyOf(groups);
        notifyChannels = notifyChannels == null ? null : List.copyOf(notifyChannels);
    }

    public ReviewRequirement(List<String> groups, int approvals, Duration timeout, String escalationGroup) {
        this(groups, approvals, timeout, escalationGroup, null);
    }
}
