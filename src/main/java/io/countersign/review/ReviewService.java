package io.countersign.review;

import io.countersign.action.ActionService;
import io.countersign.action.ActionStatus;
import io.countersign.action.ActionView;
import io.countersign.common.Actor;
import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import io.countersign.engine.ActivatedJob;
import io.countersign.engine.UserTaskProperties;
import io.countersign.engine.outbox.EngineOutbox;
import io.countersign.identity.Identities;
import io.countersign.review.Views.Reviewer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The review's state in Countersign's database: inbox rows from task listeners, decisions under
 * the rules of {@link ReviewAccess} (visibility, separation of duties), claims and reassignment,
 * and outcomes recorded by the process's service tasks. The pages' reads are
 * {@link ReviewQueries}. Every method is one transaction; job handlers are idempotent.
 */
@ApplicationScoped
@Transactional
public class ReviewService {

    static final int MAX_COMMENT = 4000;
    /** How the approval process appears in the decision trail when no person acted. */
    static final String PROCESS_ACTOR = "approval-process";

    @Inject
    EntityManager em;

    @Inject
    ActionService actions;

    @Inject
    Event<ReviewDecided> decided;

    @Inject
    Event<InboxChanged> inboxChanged;

    @Inject
    Event<ReviewReminded> reminded;

    @Inject
    EngineOutbox outbox;

    @Inject
    ReviewAccess access;

    // ---------------------------------------------------------------- process side

    /**
     * Records the review of a request whose process start was just written to the engine outbox
     * (same transaction). The instance key is learnt from the first task's {@code creating} listener.
     */
    void recordStarted(UUID requestId) {
        ReviewProcess p = new ReviewProcess();
        p.requestId = requestId;
        p.state = ReviewProcess.RUNNING;
        p.round = 0;
        p.startedAt = now();
        p.updatedAt = p.startedAt;
        p.persist();
        em.flush(); // a concurrent start of the same request fails here and rolls back its start command
        event(requestId, "review.started", null, "Approval process start sent to the workflow engine");
    }

    Optional<ReviewProcess> process(UUID requestId) {
        return Optional.ofNullable(ReviewProcess.findById(requestId));
    }

    /** {@code creating} listener: the task becomes an inbox row (idempotent on the task key). */
    void onTaskCreating(ActivatedJob job) {
        UserTaskProperties ut = job.userTask();
        if (ut == null) {
            throw new IllegalStateException("creating listener job " + job.key() + " carries no user task");
        }
        if (InboxTask.findById(ut.userTaskKey()) != null) {
            return; // re-delivered job: the row already exists
        }
        UUID requestId = requestId(job);
        ActionView a = actions.find(requestId).orElseThrow(
                () -> new IllegalStateException("user task " + ut.userTaskKey() + " refers to unknown request " + requestId));
        ReviewProcess p = ReviewProcess.findById(requestId);
        if (p != null && p.processInstanceKey == null) {
            p.processInstanceKey = job.processInstanceKey();
        }
        InboxTask t = new InboxTask();
        t.taskKey = ut.userTaskKey();
        t.requestId = requestId;
        t.processInstanceKey = job.processInstanceKey();
        t.round = p == null ? 0 : p.round;
        t.state = InboxTask.OPEN;
        t.assignee = ut.assignee();
        t.dueAt = ut.dueDate();
        t.agentId = a.agentId();
        t.type = a.type();
        t.environment = a.environment();
        t.summary = a.summary();
        t.risk = a.risk();
        t.riskRank = riskRank(a.risk());
        t.createdAt = now();
        t.persist();
        Set<String> groups = new LinkedHashSet<>(ut.candidateGroups());
        if (p != null && p.escalatedGroup != null && groups.add(p.escalatedGroup)) {
            // escalated while this task was being created: the engine's task gets the group too
            outbox.enqueueUpdateUserTaskCandidateGroups(t.taskKey, List.copyOf(groups),
                    "review-escalate:" + t.taskKey + ":" + p.escalatedGroup, ReviewProcesses.orderingKey(requestId));
        }
        groups.forEach(g -> InboxTaskGroup.of(t.taskKey, g).persist());
        event(requestId, "task.created", null, TimelineText.TASK_OPEN_FOR + String.join(", ", groups)
                + (t.round > 0 ? " (revision " + t.round + ")" : ""));
        inboxChanged.fire(new InboxChanged(requestId, t.taskKey, "created", groups, t.assignee));
    }

    /** {@code canceling} listener: the open inbox row is closed (idempotent). */
    void onTaskCanceling(ActivatedJob job) {
        long key = job.userTask() == null ? -1 : job.userTask().userTaskKey();
        InboxTask t = InboxTask.findById(key, LockModeType.PESSIMISTIC_WRITE);
        if (t == null || !InboxTask.OPEN.equals(t.state)) {
            return;
        }
        t.state = InboxTask.CLOSED;
        t.closedAt = now();
        InboxTaskGroup.closeTask(t.taskKey);
        event(t.requestId, "task.closed", null, "Review step closed by the process");
        inboxChanged.fire(new InboxChanged(t.requestId, t.taskKey, "closed", access.groupsOf(t.taskKey), t.assignee));
    }

    /** Service task {@code record-changes-requested}: the request goes back to the agent. */
    void onChangesRequested(ActivatedJob job) {
        UUID id = requestId(job);
        ActionStatus s = status(id);
        if (s == ActionStatus.PENDING_REVIEW) {
            actions.transition(id, ActionStatus.CHANGES_REQUESTED, "A reviewer asked for changes", reviewerOf(job));
        }
        ReviewProcess p = ReviewProcess.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (p != null && ReviewProcess.RUNNING.equals(p.state) && status(id) == ActionStatus.CHANGES_REQUESTED) {
            p.state = ReviewProcess.AWAITING_REVISION;
            p.updatedAt = now();
        }
    }

    /** The agent's revision message was written to the outbox: the review runs again. */
    void revisionEnqueued(UUID id) {
        ReviewProcess p = ReviewProcess.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (p != null && ReviewProcess.AWAITING_REVISION.equals(p.state)) {
            p.state = ReviewProcess.RUNNING;
            p.updatedAt = now();
            event(id, "review.restarted", null, "The agent submitted a revision; earlier approvals no longer count");
        }
    }

    /** Service tasks {@code record-approval}, {@code record-rejection}, {@code record-expiry}, {@code record-cancellation}. */
    void onOutcome(ActivatedJob job, ActionStatus outcome) {
        UUID id = requestId(job);
        ActionStatus s = status(id);
        if (s.inReview() && s.canMoveTo(outcome)) {
            String reason = switch (outcome) {
                case APPROVED -> "Approved by " + String.join(" and ", access.approvers(id));
                case REJECTED -> "Rejected by a reviewer";
                case EXPIRED -> "No decision before the review timeout";
                case CANCELLED -> "Cancelled by the agent";
                default -> null;
            };
            if (outcome == ActionStatus.APPROVED) {
                actions.approve(id, access.approvers(id), reason, Actor.system(PROCESS_ACTOR));
            } else {
                actions.transition(id, outcome, reason, outcome == ActionStatus.REJECTED ? reviewerOf(job)
                        : Actor.system(PROCESS_ACTOR));
            }
        } else if (s != outcome) {
            Log.warnf("request %s is %s; the process ended as %s and leaves it unchanged", id, s, outcome);
        }
        ReviewProcess p = ReviewProcess.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (p != null && !ReviewProcess.ENDED.equals(p.state)) {
            p.state = ReviewProcess.ENDED;
            p.updatedAt = now();
            event(id, "review." + outcome.name().toLowerCase(), null, "Process ended: request " + outcome);
        }
    }

    /**
     * Non-interrupting timer: reminds, and adds the escalation group to the open tasks (inbox rows
     * and, through the outbox, the engine's user tasks) and, by the returned variable, to later ones.
     */
    Map<String, Object> onEscalate(ActivatedJob job) {
        UUID id = requestId(job);
        Object g = job.variables().get("escalationGroup");
        ReviewProcess p = ReviewProcess.findById(id, LockModeType.PESSIMISTIC_WRITE);
        reminded.fire(new ReviewReminded(id, job.key()));
        if (!(g instanceof String group) || group.isBlank() || p == null) {
            event(id, "review.reminder", null, "Review deadline approaching");
            return Map.of();
        }
        List<String> candidates = new ArrayList<>(stringList(job.variables().get("candidateGroups")));
        if (!candidates.contains(group)) {
            candidates.add(group);
        }
        if (!group.equals(p.escalatedGroup)) {
            p.escalatedGroup = group;
            p.updatedAt = now();
            for (InboxTask t : InboxTask.<InboxTask>list("requestId = ?1 and state = ?2", id, InboxTask.OPEN)) {
                if (InboxTaskGroup.findById(new InboxTaskGroup.Key(t.taskKey, group)) == null) {
                    InboxTaskGroup.of(t.taskKey, group).persist();
                }
                outbox.enqueueUpdateUserTaskCandidateGroups(t.taskKey, List.copyOf(access.groupsOf(t.taskKey)),
                        "review-escalate:" + t.taskKey + ":" + group, ReviewProcesses.orderingKey(id));
                inboxChanged.fire(new InboxChanged(id, t.taskKey, "escalated", Set.of(group), t.assignee));
            }
            event(id, "review.escalated", null, TimelineText.ESCALATED_TO + group);
        }
        return Map.of("candidateGroups", candidates);
    }

    // ---------------------------------------------------------------- decisions

    /**
     * Records a decision after every check, atomically under the process row lock: the task is
     * open and visible to the reviewer, not claimed by someone else, the request is still in
     * review with the digest the reviewer saw, and separation of duties holds. The completion of
     * the engine's user task is written to the outbox in the same transaction.
     *
     * @return whether this decision settles the review round (a rejection, a request for changes,
     *         or the approval that reaches the required count): the process will then move the
     *         request out of {@code PENDING_REVIEW}, shortly after this transaction commits
     */
    public boolean recordDecision(Reviewer who, UUID requestId, long taskKey, Decision decision,
            String comment, String shownDigest) {
        String c = comment == null ? "" : comment.strip();
        if ((decision == Decision.REJECT || decision == Decision.REQUEST_CHANGES) && c.isEmpty()) {
            throw ProblemException.validation(List.of(new Problem.FieldError("comment",
                    "required when rejecting or requesting changes: tell the agent's owner why")));
        }
        if (c.length() > MAX_COMMENT) {
            throw ProblemException.validation(List.of(new Problem.FieldError("comment",
                    "at most " + MAX_COMMENT + " characters")));
        }
        // The request row is locked first (the order of the agent's cancel and revision and of the
        // outcome handlers: request, then review_process), so the status check below and the
        // decision are one atomic step: a cancellation either commits before (and this decision
        // sees CANCELLED) or waits until this decision is in the trail.
        Optional<ActionView> locked = actions.lockForDecision(requestId);
        ReviewProcess p = ReviewProcess.findById(requestId, LockModeType.PESSIMISTIC_WRITE);
        if (locked.isEmpty() || p == null || !access.visible(who, requestId)) {
            Log.debugf("decision refused: process %s, visible %s", p, p != null);
            throw ReviewAccess.notFound(requestId);
        }
        InboxTask t = InboxTask.findById(taskKey, LockModeType.PESSIMISTIC_WRITE);
        if (t == null || !t.requestId.equals(requestId) || !access.taskVisible(who, t)) {
            Log.debugf("decision refused: task %s of %s", taskKey, t == null ? null : t.requestId);
            throw ReviewAccess.notFound(requestId);
        }
        ActionView a = locked.get();
        String agentRefusal = access.agentRefusal(who, a.agentId());
        if (agentRefusal != null) {
            throw ProblemException.forbidden("agent-cannot-decide", agentRefusal);
        }
        if (a.status() != ActionStatus.PENDING_REVIEW) {
            throw ProblemException.conflict("not-in-review", "The request is no longer in review (it is " + a.status()
                    + ") and takes no decision now.");
        }
        if (!InboxTask.OPEN.equals(t.state)) {
            throw ProblemException.conflict("review-step-closed", "This review step was already decided or closed; "
                    + "reload the request to see its current state.");
        }
        if (t.assignee != null && !t.assignee.equals(who.userId())) {
            throw ProblemException.conflict("claimed-by-other", "This review step is claimed by " + t.assignee
                    + "; ask them to unclaim or reassign it.");
        }
        if (shownDigest == null || !shownDigest.equals(a.payloadSha256())) {
            throw ProblemException.conflict("payload-changed", "The request changed since you opened it: you saw payload "
                    + "digest " + abbreviate(shownDigest) + ", it is now " + abbreviate(a.payloadSha256())
                    + ". Review the current version before deciding.");
        }
        if (decision == Decision.APPROVE) {
            if (access.approvedThisRound(requestId, p.round, who.userId())) {
                throw ProblemException.forbidden("already-decided", "You already approved this request in this review "
                        + "round; a further approval must come from a different person.");
            }
            if (Identities.same(who.userId(), access.ownerOf(a.agentId()))) {
                throw ProblemException.forbidden("owner-cannot-approve", "You own agent " + a.agentId()
                        + " and can never approve its requests.");
            }
        }
        OffsetDateTime now = now();
        ReviewDecision d = new ReviewDecision();
        d.requestId = requestId;
        d.round = p.round;
        d.taskKey = taskKey;
        d.reviewer = who.userId();
        d.decision = decision;
        d.comment = c.isEmpty() ? null : c;
        d.payloadSha256 = a.payloadSha256();
        d.decidedAt = now;
        d.persist();
        t.state = InboxTask.DECIDED;
        t.closedAt = now;
        InboxTaskGroup.closeTask(t.taskKey);
        int approvals = (int) access.countApprovals(requestId, p.round);
        int required = a.review() == null ? 1 : a.review().approvals();
        if (decision == Decision.REQUEST_CHANGES) {
            p.round++;
        }
        p.updatedAt = now;
        em.flush();
        event(requestId, "decision." + decision.bpmnValue(), who.userId(), c.isEmpty() ? null : c);
        decided.fire(new ReviewDecided(requestId, decision, who.userId(), d.comment, d.payloadSha256, d.round,
                approvals, required, a.agentId()));
        outbox.enqueueCompleteUserTask(taskKey, completionVariables(decision, approvals, who.userId()),
                "review-complete:" + taskKey, ReviewProcesses.orderingKey(requestId));
        inboxChanged.fire(new InboxChanged(requestId, taskKey, "decided", access.groupsOf(taskKey), t.assignee));
        return decision != Decision.APPROVE || approvals >= required;
    }

    static Map<String, Object> completionVariables(Decision decision, int approvals, String reviewer) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("decision", decision.bpmnValue());
        vars.put("approvalCount", approvals);
        vars.put("lastReviewer", reviewer);
        return vars;
    }

    // ---------------------------------------------------------------- claim / reassign

    /** Claims an open task for the reviewer (409 when someone else holds it). */
    public void claim(Reviewer who, UUID requestId, long taskKey) {
        InboxTask t = openTask(who, requestId, taskKey);
        if (t.assignee != null && !t.assignee.equals(who.userId())) {
            throw ProblemException.conflict("claimed-by-other", "Already claimed by " + t.assignee + ".");
        }
        assign(t, who.userId(), who.userId(), "task.claimed");
    }

    /** Releases the reviewer's claim. */
    public void unclaim(Reviewer who, UUID requestId, long taskKey) {
        InboxTask t = openTask(who, requestId, taskKey);
        if (!who.userId().equals(t.assignee)) {
            throw ProblemException.conflict("not-claimed-by-you", "Only the person who claimed a review step can "
                    + "unclaim it" + (t.assignee == null ? "; it is not claimed." : "; it is claimed by " + t.assignee + "."));
        }
        assign(t, null, who.userId(), "task.unclaimed");
    }

    /** Hands an open task to another known member of one of its groups. */
    public void reassign(Reviewer who, UUID requestId, long taskKey, String to) {
        InboxTask t = openTask(who, requestId, taskKey);
        if (t.assignee != null && !t.assignee.equals(who.userId())) {
            throw ProblemException.conflict("claimed-by-other", "Claimed by " + t.assignee + "; only they can reassign it.");
        }
        String target = to == null ? "" : to.strip();
        if (!access.reassignCandidates(t, who).contains(target)) {
            throw ProblemException.validation(List.of(new Problem.FieldError("assignee",
                    "must be a member of the task's groups who has signed in before (and not the agent's owner)")));
        }
        assign(t, target, who.userId(), "task.reassigned");
    }

    /** Records the assignment and writes it to the outbox for the engine's user task (same transaction). */
    private void assign(InboxTask t, String assignee, String actor, String kind) {
        t.assignee = assignee;
        outbox.enqueueAssignUserTask(t.taskKey, assignee, "review-assign:" + t.taskKey + ":" + UUID.randomUUID(),
                ReviewProcesses.orderingKey(t.requestId));
        event(t.requestId, kind, actor, assignee == null ? null : TimelineText.ASSIGNED_TO + assignee);
        inboxChanged.fire(new InboxChanged(t.requestId, t.taskKey, "assigned", access.groupsOf(t.taskKey), assignee));
    }

    private InboxTask openTask(Reviewer who, UUID requestId, long taskKey) {
        InboxTask t = InboxTask.findById(taskKey, LockModeType.PESSIMISTIC_WRITE);
        if (t == null || !t.requestId.equals(requestId) || !access.taskVisible(who, t)) {
            throw ReviewAccess.notFound(requestId);
        }
        String agentRefusal = access.agentRefusal(who, t.agentId);
        if (agentRefusal != null) {
            // a claim by an agent would hold the step away from the people who may decide it
            throw ProblemException.forbidden("agent-cannot-decide", agentRefusal);
        }
        if (!InboxTask.OPEN.equals(t.state)) {
            throw ProblemException.conflict("review-step-closed", "This review step was already decided or closed.");
        }
        return t;
    }

    /** Remembers the groups a person signed in with (reassignment candidates). */
    public void rememberMember(Reviewer who) {
        OffsetDateTime now = now();
        for (String g : who.groups()) {
            InboxMember m = InboxMember.findById(new InboxMember.Key(who.userId(), g));
            if (m == null) {
                m = new InboxMember();
                m.id = new InboxMember.Key(who.userId(), g);
                m.lastSeen = now;
                m.persist();
            } else {
                m.lastSeen = now;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private ActionStatus status(UUID id) {
        return actions.find(id).map(ActionView::status)
                .orElseThrow(() -> new IllegalStateException("unknown request " + id));
    }

    void event(UUID requestId, String kind, String actor, String detail) {
        ReviewEvent e = new ReviewEvent();
        e.requestId = requestId;
        e.at = now();
        e.kind = kind;
        e.actor = actor;
        e.detail = detail == null ? null : detail.length() > 2000 ? detail.substring(0, 2000) : detail;
        e.persist();
    }

    /** The person whose decision the process is recording, else the process itself. */
    private static Actor reviewerOf(ActivatedJob job) {
        Object v = job.variables().get("lastReviewer");
        return v instanceof String u && !u.isBlank() ? Actor.user(u) : Actor.system(PROCESS_ACTOR);
    }

    static UUID requestId(ActivatedJob job) {
        Object v = job.variables().get("requestId");
        if (!(v instanceof String s)) {
            throw new IllegalStateException("job " + job.key() + " has no requestId variable");
        }
        return UUID.fromString(s);
    }

    static List<String> stringList(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }

    static int riskRank(String risk) {
        if (risk == null) {
            return 0;
        }
        return switch (risk) {
            case "CRITICAL" -> 4;
            case "HIGH" -> 3;
            case "MEDIUM" -> 2;
            case "LOW" -> 1;
            default -> 0;
        };
    }

    private static String abbreviate(String digest) {
        return digest == null ? "(none)" : digest.length() > 12 ? digest.substring(0, 12) + "…" : digest;
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
