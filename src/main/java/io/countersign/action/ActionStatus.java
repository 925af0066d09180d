package io.countersign.action;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Lifecycle of an action request, with the explicit table of legal transitions. */
public enum ActionStatus {
    DENIED, APPROVED, PENDING_REVIEW, CHANGES_REQUESTED, REJECTED, EXPIRED, CANCELLED, EXECUTED, EXECUTION_FAILED;

    /** Statuses a submission can start in (decided inside the submission call or handed to review). */
    public static final Set<ActionStatus> INITIAL = EnumSet.of(DENIED, APPROVED, PENDING_REVIEW);

    private static final Map<ActionStatus, Set<ActionStatus>> NEXT = Map.of(
            PENDING_REVIEW, EnumSet.of(APPROVED, REJECTED, EXPIRED, CANCELLED, CHANGES_REQUESTED),
            // a reviewer asked for changes: the agent revises (back to review), cancels, or the review times out
            CHANGES_REQUESTED, EnumSet.of(PENDING_REVIEW, CANCELLED, EXPIRED),
            APPROVED, EnumSet.of(EXECUTED, EXECUTION_FAILED),
            DENIED, EnumSet.noneOf(ActionStatus.class),
            REJECTED, EnumSet.noneOf(ActionStatus.class),
            EXPIRED, EnumSet.noneOf(ActionStatus.class),
            CANCELLED, EnumSet.noneOf(ActionStatus.class),
            EXECUTED, EnumSet.noneOf(ActionStatus.class),
            EXECUTION_FAILED, EnumSet.noneOf(ActionStatus.class));

    public boolean canMoveTo(ActionStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** Whether the request is still in human review (waiting for reviewers or for the agent's revision). */
    public boolean inReview() {
        return this == PENDING_REVIEW || this == CHANGES_REQUESTED;
    }

    public boolean isTerminal() {
        return NEXT.get(this).isEmpty();
    }

    /** Every status from which {@code target} may be reached. */
    public static Set<ActionStatus> sourcesOf(ActionStatus target) {
        Set<ActionStatus> s = EnumSet.noneOf(ActionStatus.class);
        for (ActionStatus from : values()) {
            if (from.canMoveTo(target)) {
                s.add(from);
            }
        }
        return s;
    }
}
