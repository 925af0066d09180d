package io.countersign.review;

import io.countersign.action.ActionView;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Read models the review services hand to the inbox (entities never leave the service layer). */
public final class Views {

    private Views() {
    }

    /**
     * A signed-in person: user id (the token's subject), reviewer groups (role names removed),
     * and whether the token also carries the agent role (such a reviewer is refused every decision).
     */
    public record Reviewer(String userId, Set<String> groups, boolean agentRole) {
        public Reviewer {
            groups = Set.copyOf(groups);
        }

        /** A person without the agent role. */
        public Reviewer(String userId, Set<String> groups) {
            this(userId, groups, false);
        }
    }

    /** Inbox filters; null means "any". */
    public record InboxQuery(String type, String environment, String agent, String risk, int page, int pageSize) {
    }

    /** One open task in a list. */
    public record TaskSummary(long taskKey, UUID requestId, String summary, String type, String environment,
            String agentId, String risk, OffsetDateTime dueAt, boolean overdue, String assignee, List<String> groups,
            OffsetDateTime createdAt) {
    }

    /** One page of the inbox with its counts. */
    public record InboxPage(List<TaskSummary> tasks, long total, long overdue, long assignedToMe, int page,
            int pageCount) {
    }

    /** A recorded decision. */
    public record DecisionView(UUID requestId, String summary, String reviewer, Decision decision, String comment,
            String payloadSha256, int round, OffsetDateTime decidedAt) {
    }

    /**
     * One timeline entry: the recorded event ({@code kind}, {@code actor}, {@code detail}) and what a
     * reviewer reads, {@code sentence} (e.g. "Changes requested by bob") followed by {@code note}
     * (a comment or other free text, or null). Unknown kinds keep their raw type in the sentence.
     */
    public record TimelineEntry(OffsetDateTime at, String kind, String actor, String detail, String sentence,
            String note) {
    }

    /**
     * One step of a request's approval process: a BPMN element the instance entered, in activation
     * order. {@code state} is {@code active}, {@code completed} or {@code terminated}; {@code key} is
     * the engine's element-instance key (increasing in activation order within an instance).
     */
    public record ProcessStep(long key, String elementId, String name, String state, OffsetDateTime startedAt,
            OffsetDateTime endedAt) {
    }

    /**
     * A request's approval process as the reviewer's diagram draws it: the deployed BPMN XML of
     * its version and the steps taken. Without an instance (not started yet, or the engine cannot
     * be reached) {@code bpmnXml} is null, {@code steps} empty and {@code unavailable} says why.
     */
    public record ProcessTrace(String bpmnXml, List<ProcessStep> steps, String unavailable) {
    }

    /**
     * Everything a reviewer needs on the request page. {@code settling} is set while the request is
     * still {@code PENDING_REVIEW} although its review is decided (the process has not yet moved it
     * on): what it is becoming, for the page to say so instead of the old status.
     */
    public record RequestDetail(ActionView action, String agentName, String ownerUserId, TaskSummary myTask,
            List<TaskSummary> openTasks, List<DecisionView> decisions, List<TimelineEntry> timeline, int round,
            int approvalsSoFar, int approvalsRequired, boolean canApprove, String cannotApproveReason,
            boolean canDecide, String cannotDecideReason, List<String> reassignCandidates, String settling) {
    }
}
