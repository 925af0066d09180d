package io.countersign.review;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.countersign.action.ActionService;
import io.countersign.action.ActionStatus;
import io.countersign.action.ActionView;
import io.countersign.action.ReviewerDecisions;
import io.countersign.engine.ElementInstanceView;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.ProcessInstanceView;
import io.countersign.engine.WorkflowInspection;
import io.countersign.identity.AgentRegistry;
import io.countersign.identity.AgentView;
import io.countersign.identity.Identities;
import io.countersign.review.Views.DecisionView;
import io.countersign.review.Views.InboxPage;
import io.countersign.review.Views.InboxQuery;
import io.countersign.review.Views.ProcessStep;
import io.countersign.review.Views.ProcessTrace;
import io.countersign.review.Views.RequestDetail;
import io.countersign.review.Views.Reviewer;
import io.countersign.review.Views.TaskSummary;
import io.countersign.review.Views.TimelineEntry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The reads behind the inbox pages: a reviewer's inbox, a request's page with what the reviewer
 * may do on it (and why not), and their own decisions; and the decisions on a request for its
 * agent ({@link ReviewerDecisions}, the action feature's port). Visibility and the decision rules come
 * from {@link ReviewAccess}, the same ones {@link ReviewService} enforces. Every method is one
 * transaction.
 */
@ApplicationScoped
@Transactional
public class ReviewQueries implements ReviewerDecisions {

    @Inject
    EntityManager em;

    @Inject
    ActionService actions;

    @Inject
    AgentRegistry agents;

    @Inject
    ReviewAccess access;

    @Inject
    WorkflowInspection inspection;

    /**
     * A deployed process version never changes: its XML and element names by definition key, so
     * that a request page (and its diagram's fetch) does not read and parse the BPMN every time.
     */
    private final Cache<Long, Definition> definitions = Caffeine.newBuilder().maximumSize(64).build();

    private record Definition(String xml, Map<String, String> names) {
    }

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
        params.put("groups", ReviewAccess.groupsParam(who));
        filter(where, params, "t.type", "type", q.type());
        filter(where, params, "t.environment", "environment", q.environment());
        filter(where, params, "t.agentId", "agent", q.agent());
        filter(where, params, "t.risk", "risk", q.risk());
        params.put("now", ReviewService.now());
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
        if (!access.visible(who, requestId)) {
            throw ReviewAccess.notFound(requestId);
        }
        ActionView a = actions.find(requestId).orElseThrow(() -> ReviewAccess.notFound(requestId));
        AgentView agent = agents.get(a.agentId());
        ReviewProcess p = ReviewProcess.findById(requestId);
        int round = p == null ? 0 : p.round;
        List<TaskSummary> open = InboxTask.<InboxTask>list("requestId = ?1 and state = ?2 order by createdAt",
                requestId, InboxTask.OPEN).stream().filter(t -> access.taskVisible(who, t)).map(this::summary).toList();
        TaskSummary myTask = open.stream().filter(t -> t.assignee() == null || t.assignee().equals(who.userId()))
                .findFirst().orElse(open.isEmpty() ? null : open.get(0));
        List<DecisionView> decisions = decisionsOn(requestId).stream().map(d -> view(d, a.summary())).toList();
        List<TimelineEntry> timeline = ReviewEvent.<ReviewEvent>list("requestId = ?1 order by id", requestId).stream()
                .map(e -> TimelineText.entry(e.at, e.kind, e.actor, e.detail)).toList();
        int approvals = (int) access.countApprovals(requestId, round);
        int required = a.review() == null ? 1 : a.review().approvals();
        String cannotDecide = null;
        if (a.status() != ActionStatus.PENDING_REVIEW) {
            cannotDecide = "The request is " + a.status() + ".";
        } else if (myTask == null) {
            cannotDecide = "No open review step for your groups right now.";
        } else if (myTask.assignee() != null && !myTask.assignee().equals(who.userId())) {
            cannotDecide = "Claimed by " + myTask.assignee() + ".";
        }
        String agentRefusal = access.agentRefusal(who, a.agentId());
        if (cannotDecide == null && agentRefusal != null) {
            cannotDecide = agentRefusal;
        }
        String cannotApprove = cannotDecide;
        if (cannotApprove == null && access.approvedThisRound(requestId, round, who.userId())) {
            cannotApprove = "You already approved in this round; the next approval must come from someone else. "
                    + "You can still reject or request changes.";
        } else if (cannotApprove == null && Identities.same(who.userId(), agent.ownerUserId())) {
            cannotApprove = "You own agent " + a.agentId() + ", so you cannot approve its requests.";
        }
        List<String> candidates = myTask == null ? List.of()
                : access.reassignCandidates(InboxTask.findById(myTask.taskKey()), who);
        return new RequestDetail(a, agent.displayName(), agent.ownerUserId(), myTask, open, decisions, timeline, round,
                approvals, required, cannotApprove == null, cannotApprove, cannotDecide == null, cannotDecide, candidates,
                a.status() == ActionStatus.PENDING_REVIEW ? settling(decisions, round, approvals, required,
                        a.payloadSha256()) : null);
    }

    /**
     * The request's approval process for its page: the deployed BPMN of the instance's version
     * and the elements it entered, oldest first. 404 exactly when {@link #detail} is. One
     * instance per request (a revision continues it), so every round is in the same history.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ProcessTrace process(Reviewer who, UUID requestId) {
        if (!access.visible(who, requestId)) {
            throw ReviewAccess.notFound(requestId);
        }
        ReviewProcess p = ReviewProcess.findById(requestId);
        if (p == null || p.processInstanceKey == null) {
            return new ProcessTrace(null, List.of(), "The approval process has not started yet.");
        }
        try {
            ProcessInstanceView instance = inspection.findInstance(p.processInstanceKey).orElse(null);
            if (instance == null) {
                return new ProcessTrace(null, List.of(), "The workflow engine has no record of this request's process "
                        + "yet.");
            }
            Definition definition = definitions.get(instance.processDefinitionKey(), key -> {
                String xml = inspection.processXml(key);
                return new Definition(xml, BpmnNames.of(xml));
            });
            Map<String, String> names = definition.names();
            List<ProcessStep> steps = inspection.history(p.processInstanceKey).stream()
                    .filter(e -> !"PROCESS".equals(e.elementType()))
                    .map(e -> new ProcessStep(e.key(), e.elementId(), names.getOrDefault(e.elementId(), e.elementId()),
                            stepState(e), e.startedAt(), e.endedAt()))
                    .toList();
            return new ProcessTrace(definition.xml(), steps, null);
        } catch (EngineNotFoundException e) {
            return new ProcessTrace(null, List.of(), "The workflow engine has no record of this request's process.");
        } catch (RuntimeException e) {
            Log.warnf("process of request %s not readable from the engine: %s", requestId, e.getMessage());
            return new ProcessTrace(null, List.of(), "The workflow engine cannot be reached right now.");
        }
    }

    private static String stepState(ElementInstanceView e) {
        return switch (e.state()) {
            case COMPLETED -> "completed";
            case TERMINATED, TERMINATING -> "terminated";
            default -> "active";
        };
    }

    /**
     * What a request still {@code PENDING_REVIEW} is becoming when its review is already decided:
     * the newest decision rejected it in this round, or asked for changes in the round before
     * and the agent has not revised yet (the digest is the one decided on), or the round has all
     * the approvals it needs. Null while the review is still open.
     */
    static String settling(List<DecisionView> decisions, int round, int approvals, int required, String digest) {
        if (decisions.isEmpty()) {
            return null;
        }
        DecisionView last = decisions.get(decisions.size() - 1);
        if (last.decision() == Decision.REJECT && last.round() == round) {
            return "Rejected: the process is closing the request.";
        }
        if (last.decision() == Decision.REQUEST_CHANGES && last.round() == round - 1
                && last.payloadSha256().equals(digest)) {
            return "Changes requested: the request is on its way back to the agent.";
        }
        if (approvals >= required) {
            return "Approved: the release is being prepared.";
        }
        return null;
    }

    /** The agent's own request only: the caller ({@code ActionService.get}) checked that it is. */
    @Override
    public List<ActionView.ReviewerDecision> on(UUID requestId) {
        return decisionsOn(requestId).stream().map(d -> new ActionView.ReviewerDecision(d.reviewer, d.decision.name(),
                d.comment == null ? "" : d.comment, d.round, d.payloadSha256, d.decidedAt)).toList();
    }

    private static List<ReviewDecision> decisionsOn(UUID requestId) {
        return ReviewDecision.list("requestId = ?1 order by decidedAt, id", requestId);
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

    private TaskSummary summary(InboxTask t) {
        return summary(t, access.groupsOf(t.taskKey));
    }

    private static TaskSummary summary(InboxTask t, Set<String> groups) {
        return new TaskSummary(t.taskKey, t.requestId, t.summary, t.type, t.environment, t.agentId, t.risk, t.dueAt,
                t.dueAt != null && t.dueAt.isBefore(OffsetDateTime.now()), t.assignee, List.copyOf(groups), t.createdAt);
    }

    private static DecisionView view(ReviewDecision d, String summary) {
        return new DecisionView(d.requestId, summary, d.reviewer, d.decision, d.comment, d.payloadSha256, d.round,
                d.decidedAt);
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
}
