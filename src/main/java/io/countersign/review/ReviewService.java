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
import io.countersign.identity.AgentRegistry;
import io.countersign.identity.AgentView;
import io.countersign.identity.Identities;
import io.countersign.review.Views.DecisionView;
import io.countersign.review.Views.InboxPage;
import io.countersign.review.Views.InboxQuery;
import io.countersign.review.Views.RequestDetail;
import io.countersign.review.Views.Reviewer;
import io.countersign.review.Views.TaskSummary;
import io.countersign.review.Views.TimelineEntry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The review's state in Countersign's database: inbox rows from task listeners, decisions with
 * their separation-of-duties rules, outcomes recorded by the process's service tasks, and the
 * reads behind the inbox pages. Every method is one transaction; job handlers are idempotent.
 */
@ApplicationScoped
@Transactional
public class ReviewService {

    /** Placeholder so an IN list is never empty (no real group can contain a NUL character). */
    private static final String NO_GROUP = "\u0000";
    static final int MAX_COMMENT = 4000;
    /** How the approval process appears in the decision trail when no person acted. */
    static final String PROCESS_ACTOR = "approval-process";

    @Inject
    EntityManager em;

    @Inject
    ActionService actions;

    @Inject
    AgentRegistry agents;

    @Inject
    Event<ReviewDecided> decided;

    @Inject
    Event<InboxChanged> inboxChanged;

    @Inject
    EngineOutbox outbox;

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
        event(requestId, "task.created", null, "Review step open for " + String.join(", ", groups)
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
        inboxChanged.fire(new InboxChanged(t.requestId, t.taskKey, "closed", groupsOf(t.taskKey), t.assignee));
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
                case APPROVED -> "Approved by " + String.join(" and ", approvers(id));
                case REJECTED -> "Rejected by a reviewer";
                case EXPIRED -> "No decision before the review timeout";
                case CANCELLED -> "Cancelled by the agent";
                default -> null;
            };
            if (outcome == ActionStatus.APPROVED) {
                actions.approve(id, approvers(id), reason, Actor.system(PROCESS_ACTOR));
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
                outbox.enqueueUpdateUserTaskCandidateGroups(t.taskKey, List.copyOf(groupsOf(t.taskKey)),
                        "review-escalate:" + t.taskKey + ":" + group, ReviewProcesses.orderingKey(id));
                inboxChanged.fire(new InboxChanged(id, t.taskKey, "escalated", Set.of(group), t.assignee));
            }
            event(id, "review.escalated", null, "Deadline approaching: escalated to " + group);
        }
        return Map.of("candidateGroups", candidates);
    }

    // ---------------------------------------------------------------- decisions

    /**
     * Records a decision after every check, atomically under the process row lock: the task is
     * open and visible to the reviewer, not claimed by someone else, the request is still in
     * review with the digest the reviewer saw, and separation of duties holds. The completion of
     * the engine's user task is written to the outbox in the same transaction.
     */
    public void recordDecision(Reviewer who, UUID requestId, long taskKey, Decision decision,
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
        if (locked.isEmpty() || p == null || !visible(who, requestId)) {
            Log.debugf("decision refused: process %s, visible %s", p, p != null);
            throw notFound(requestId);
        }
        InboxTask t = InboxTask.findById(taskKey, LockModeType.PESSIMISTIC_WRITE);
        if (t == null || !t.requestId.equals(requestId) || !taskVisible(who, t)) {
            Log.debugf("decision refused: task %s of %s", taskKey, t == null ? null : t.requestId);
            throw notFound(requestId);
        }
        ActionView a = locked.get();
        String agentRefusal = agentRefusal(who, a.agentId());
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
            if (approvedThisRound(requestId, p.round, who.userId())) {
                throw ProblemException.forbidden("already-decided", "You already approved this request in this review "
                        + "round; a further approval must come from a different person.");
            }
            if (Identities.same(who.userId(), ownerOf(a.agentId()))) {
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
        int approvals = (int) countApprovals(requestId, p.round);
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
        inboxChanged.fire(new InboxChanged(requestId, taskKey, "decided", groupsOf(taskKey), t.assignee));
    }

    /** Whether this person (under {@link Identities#same}) already approved in the round. */
    private boolean approvedThisRound(UUID requestId, int round, String userId) {
        return approversOfRound(requestId, round).stream().anyMatch(r -> Identities.same(r, userId));
    }

    /**
     * Why {@code who} may take no decision on a request of {@code agentId}, or null: an identity
     * with the agent role, the requesting agent itself, or any registered agent is not a person.
     */
    private String agentRefusal(Reviewer who, String agentId) {
        if (who.agentRole()) {
            return "Your token carries the agent role: agents never decide on requests.";
        }
        if (Identities.same(who.userId(), agentId)) {
            return who.userId() + " is an agent: the requesting agent " + agentId + " can never decide on its own request.";
        }
        if (agents.isAgentId(who.userId())) {
            return who.userId() + " is an agent (a registered agent id), and agents never decide on requests.";
        }
        return null;
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
        if (!reassignCandidates(t, who).contains(target)) {
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
        event(t.requestId, kind, actor, assignee == null ? null : "Assigned to " + assignee);
        inboxChanged.fire(new InboxChanged(t.requestId, t.taskKey, "assigned", groupsOf(t.taskKey), assignee));
    }

    private InboxTask openTask(Reviewer who, UUID requestId, long taskKey) {
        InboxTask t = InboxTask.findById(taskKey, LockModeType.PESSIMISTIC_WRITE);
        if (t == null || !t.requestId.equals(requestId) || !taskVisible(who, t)) {
            throw notFound(requestId);
        }
        String agentRefusal = agentRefusal(who, t.agentId);
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

    // ---------------------------------------------------------------- reads

    /**
     * Open tasks of the reviewer's groups and tasks assigned to them, by due time then risk. Three
     * statements whatever the page size: the counts in one, the page, the page's groups in one.
     */
    public InboxPage inbox(Reviewer who, InboxQuery q) {
        StringBuilder where = new StringBuilder(" from InboxTask t where t.state = 'OPEN' and (t.assignee = :me or exists "
                + "(select 1 from InboxTaskGroup g where g.id.taskKey = t.taskKey and g.taskOpen = true "
                + "and g.id.groupName in :groups))");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("me", who.userId());
        params.put("groups", groupsParam(who));
        filter(where, params, "t.type", "type", q.type());
        filter(where, params, "t.environment", "environment", q.environment());
        filter(where, params, "t.agentId", "agent", q.agent());
        filter(where, params, "t.risk", "risk", q.risk());
        params.put("now", now());
        Object[] counts = bind(em.createQuery("select count(t), sum(case when t.dueAt < :now then 1 else 0 end), "
                + "sum(case when t.assignee = :me then 1 else 0 end)" + where, Object[].class), params).getSingleResult();
        params.remove("now");
        long total = number(counts[0]);
        long overdue = number(counts[1]);
        long mine = number(counts[2]);
        int pageCount = (int) Math.max(1, (total + q.pageSize() - 1) / q.pageSize());
        int page = Math.min(Math.max(q.page(), 1), pageCount);
        List<InboxTask> rows = bind(em.createQuery("select t" + where
                + " order by t.dueAt asc, t.riskRank desc, t.createdAt asc, t.taskKey asc", InboxTask.class), params)
                .setFirstResult((page - 1) * q.pageSize()).setMaxResults(q.pageSize()).getResultList();
        Map<Long, Set<String>> groups = new HashMap<>();
        if (!rows.isEmpty()) {
            em.createQuery("select g.id.taskKey, g.id.groupName from InboxTaskGroup g where g.id.taskKey in :keys",
                    Object[].class).setParameter("keys", rows.stream().map(t -> t.taskKey).toList()).getResultList()
                    .forEach(r -> groups.computeIfAbsent((Long) r[0], k -> new TreeSet<>()).add((String) r[1]));
        }
        return new InboxPage(rows.stream().map(t -> summary(t, groups.getOrDefault(t.taskKey, Set.of()))).toList(),
                total, overdue, mine, page, pageCount);
    }

    private static long number(Object sumOrCount) {
        return sumOrCount == null ? 0 : ((Number) sumOrCount).longValue();
    }

    /** The request page; 404 unless one of the request's tasks is visible to the reviewer. */
    public RequestDetail detail(Reviewer who, UUID requestId) {
        if (!visible(who, requestId)) {
            throw notFound(requestId);
        }
        ActionView a = actions.find(requestId).orElseThrow(() -> notFound(requestId));
        AgentView agent = agents.get(a.agentId());
        ReviewProcess p = ReviewProcess.findById(requestId);
        int round = p == null ? 0 : p.round;
        List<TaskSummary> open = InboxTask.<InboxTask>list("requestId = ?1 and state = ?2 order by createdAt",
                requestId, InboxTask.OPEN).stream().filter(t -> taskVisible(who, t)).map(this::summary).toList();
        TaskSummary myTask = open.stream().filter(t -> t.assignee() == null || t.assignee().equals(who.userId()))
                .findFirst().orElse(open.isEmpty() ? null : open.get(0));
        List<DecisionView> decisions = ReviewDecision.<ReviewDecision>list("requestId = ?1 order by decidedAt, id",
                requestId).stream().map(d -> view(d, a.summary())).toList();
        List<TimelineEntry> timeline = ReviewEvent.<ReviewEvent>list("requestId = ?1 order by id", requestId).stream()
                .map(e -> new TimelineEntry(e.at, e.kind, e.actor, e.detail)).toList();
        int approvals = (int) countApprovals(requestId, round);
        int required = a.review() == null ? 1 : a.review().approvals();
        String cannotDecide = null;
        if (a.status() != ActionStatus.PENDING_REVIEW) {
            cannotDecide = "The request is " + a.status() + ".";
        } else if (myTask == null) {
            cannotDecide = "No open review step for your groups right now.";
        } else if (myTask.assignee() != null && !myTask.assignee().equals(who.userId())) {
            cannotDecide = "Claimed by " + myTask.assignee() + ".";
        }
        String agentRefusal = agentRefusal(who, a.agentId());
        if (cannotDecide == null && agentRefusal != null) {
            cannotDecide = agentRefusal;
        }
        String cannotApprove = cannotDecide;
        if (cannotApprove == null && approvedThisRound(requestId, round, who.userId())) {
            cannotApprove = "You already approved in this round; the next approval must come from someone else. "
                    + "You can still reject or request changes.";
        } else if (cannotApprove == null && Identities.same(who.userId(), agent.ownerUserId())) {
            cannotApprove = "You own agent " + a.agentId() + ", so you cannot approve its requests.";
        }
        List<String> candidates = myTask == null ? List.of()
                : reassignCandidates(InboxTask.findById(myTask.taskKey()), who);
        return new RequestDetail(a, agent.displayName(), agent.ownerUserId(), myTask, open, decisions, timeline, round,
                approvals, required, cannotApprove == null, cannotApprove, cannotDecide == null, cannotDecide, candidates);
    }

    /** What the reviewer decided, newest first. */
    public List<DecisionView> myDecisions(String userId, int limit) {
        List<ReviewDecision> rows = ReviewDecision.<ReviewDecision>find("reviewer = ?1 order by decidedAt desc, id desc",
                userId).page(0, limit).list();
        List<DecisionView> out = new ArrayList<>();
        for (ReviewDecision d : rows) {
            out.add(view(d, actions.find(d.requestId).map(ActionView::summary).orElse("")));
        }
        return out;
    }

    /** Whether any task of the request is visible to the reviewer (groups, assignee or own decision). */
    public boolean visible(Reviewer who, UUID requestId) {
        Long n = em.createQuery("select count(t) from InboxTask t where t.requestId = :r and (t.assignee = :me or exists "
                + "(select 1 from InboxTaskGroup g where g.id.taskKey = t.taskKey and g.id.groupName in :groups))", Long.class)
                .setParameter("r", requestId).setParameter("me", who.userId()).setParameter("groups", groupsParam(who))
                .getSingleResult();
        return n > 0;
    }

    /** Groups of the task (for live-update routing). */
    public Set<String> groupsOf(long taskKey) {
        return new TreeSet<>(em.createQuery("select g.id.groupName from InboxTaskGroup g where g.id.taskKey = ?1",
                String.class).setParameter(1, taskKey).getResultList());
    }

    private boolean taskVisible(Reviewer who, InboxTask t) {
        if (who.userId().equals(t.assignee)) {
            return true;
        }
        Set<String> groups = groupsOf(t.taskKey);
        return who.groups().stream().anyMatch(groups::contains);
    }

    private List<String> reassignCandidates(InboxTask t, Reviewer who) {
        if (t == null) {
            return List.of();
        }
        Set<String> groups = groupsOf(t.taskKey);
        if (groups.isEmpty()) {
            return List.of();
        }
        String owner = ownerOf(t.agentId);
        Set<String> decided = new TreeSet<>(em.createQuery("select d.reviewer from ReviewDecision d where d.requestId = ?1 "
                + "and d.round = ?2", String.class).setParameter(1, t.requestId).setParameter(2, t.round).getResultList());
        return em.createQuery("select distinct m.id.userId from InboxMember m where m.id.groupName in ?1 order by 1",
                String.class).setParameter(1, groups).getResultList().stream()
                .filter(u -> !Identities.same(u, owner) && !Identities.same(u, who.userId())
                        && !Identities.same(u, t.agentId) && decided.stream().noneMatch(d -> Identities.same(d, u)))
                .toList();
    }

    private TaskSummary summary(InboxTask t) {
        return summary(t, groupsOf(t.taskKey));
    }

    private static TaskSummary summary(InboxTask t, Set<String> groups) {
        return new TaskSummary(t.taskKey, t.requestId, t.summary, t.type, t.environment, t.agentId, t.risk, t.dueAt,
                t.dueAt != null && t.dueAt.isBefore(OffsetDateTime.now()), t.assignee, List.copyOf(groups), t.createdAt);
    }

    private static DecisionView view(ReviewDecision d, String summary) {
        return new DecisionView(d.requestId, summary, d.reviewer, d.decision, d.comment, d.payloadSha256, d.round,
                d.decidedAt);
    }

    /** Distinct approvers of the round: one person counts once, whatever the spelling of their id. */
    private long countApprovals(UUID requestId, int round) {
        return approversOfRound(requestId, round).size();
    }

    private List<String> approvers(UUID requestId) {
        ReviewProcess p = ReviewProcess.findById(requestId);
        return approversOfRound(requestId, p == null ? 0 : p.round);
    }

    /** The round's approvers in decision order, one entry per person under {@link Identities#key}. */
    private List<String> approversOfRound(UUID requestId, int round) {
        Map<String, String> byKey = new LinkedHashMap<>();
        em.createQuery("select d.reviewer from ReviewDecision d where d.requestId = ?1 and d.round = ?2 "
                + "and d.decision = ?3 order by d.decidedAt, d.id", String.class).setParameter(1, requestId)
                .setParameter(2, round).setParameter(3, Decision.APPROVE).getResultList()
                .forEach(r -> byKey.putIfAbsent(Identities.key(r), r));
        return List.copyOf(byKey.values());
    }

    private String ownerOf(String agentId) {
        try {
            return agents.get(agentId).ownerUserId();
        } catch (ProblemException e) {
            return null;
        }
    }

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

    private static void filter(StringBuilder where, Map<String, Object> params, String column, String name, String value) {
        if (value != null && !value.isBlank()) {
            where.append(" and ").append(column).append(" = :").append(name);
            params.put(name, value.strip());
        }
    }

    private static <T> TypedQuery<T> bind(TypedQuery<T> q, Map<String, Object> params) {
        params.forEach(q::setParameter);
        return q;
    }

    private static Set<String> groupsParam(Reviewer who) {
        return who.groups().isEmpty() ? Set.of(NO_GROUP) : who.groups();
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

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No review of request " + id + " for you.");
    }

    private static String abbreviate(String digest) {
        return digest == null ? "(none)" : digest.length() > 12 ? digest.substring(0, 12) + "…" : digest;
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
