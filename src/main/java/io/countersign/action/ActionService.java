package io.countersign.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.countersign.common.Actor;
import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import io.countersign.common.json.JsonSupport;
import io.countersign.identity.AgentRegistry;
import io.countersign.identity.RegisteredAgent;
import io.countersign.policy.PolicyDecision;
import io.countersign.policy.PolicyEvaluator;
import io.countersign.policy.PolicyInput;
import io.countersign.policy.PolicyOutcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.sql.Clob;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Creates action requests, decides the fast path, and moves requests through their lifecycle. */
@ApplicationScoped
@Transactional
public class ActionService {

    /** Prefix of the approver entry of a policy approval: {@code policy:<rule name>}. */
    public static final String POLICY_APPROVER = "policy:";

    @Inject
    EntityManager em;

    @Inject
    AgentRegistry registry;

    @Inject
    PolicyEvaluator policy;

    @Inject
    Event<ActionStatusChanged> statusChanged;

    @Inject
    ActionMetrics metrics;

    @Inject
    Instance<ReleaseProvider> releases;

    @Inject
    ReviewerDecisions decisions;

    /**
     * A stored or fresh response to a submission; {@code decided} is the request's status in it
     * (what the submission answered, not necessarily its status now).
     */
    public record SubmissionResult(UUID requestId, int status, String body, boolean replayed, ActionStatus decided) {
    }

    /** Thrown inside the submission transaction when the agent already has too many pending reviews. */
    static final class PendingReviewQuotaExceeded extends RuntimeException {
        final int limit;

        PendingReviewQuotaExceeded(int limit) {
            super(null, null, false, false);
            this.limit = limit;
        }
    }

    /** Thrown inside the submission transaction when the Idempotency-Key already has a stored response. */
    static final class IdempotencyKeyTaken extends RuntimeException {
        IdempotencyKeyTaken() {
            super(null, null, false, false);
        }
    }

    /** The stored response for this agent's key, if any; 422 when the key was used for another body. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<SubmissionResult> replay(String agentId, String key, String requestSha256) {
        IdempotencyRecord rec = IdempotencyRecord.findById(new IdempotencyRecord.Key(agentId, key));
        if (rec == null) {
            return Optional.empty();
        }
        if (!rec.requestSha256.equals(requestSha256)) {
            throw new ProblemException(422, "idempotency-key-reused", "Idempotency key reused",
                    "Idempotency-Key '" + key + "' was already used with a different request body.");
        }
        return Optional.of(new SubmissionResult(rec.requestId, rec.responseStatus, rec.responseBody, true,
                statusIn(rec.responseBody)));
    }

    /**
     * Records a new request and decides it when policy allows (deny / auto-approve), all in one
     * transaction together with the idempotency record; review requests stay PENDING_REVIEW.
     * Throws {@link IdempotencyKeyTaken} (rolling everything back) when the key already has a
     * response: the caller replays it with {@link #replay}.
     */
    public SubmissionResult submit(RegisteredAgent agent, String key, ActionSubmission s) {
        OffsetDateTime now = now();
        ActionRequest r = new ActionRequest();
        r.id = UUID.randomUUID();
        r.agentId = agent.id();
        r.type = s.type();
        r.target = s.target();
        r.environment = s.environment();
        r.summary = s.summary();
        r.justification = s.justification();
        r.payload = s.canonicalPayload();
        r.payloadSha256 = s.payloadSha256();
        r.createdAt = now;
        r.updatedAt = now;

        String scopeViolation = agent.scopeViolation(s.type(), s.target(), s.environment());
        if (scopeViolation != null) {
            r.status = ActionStatus.DENIED;
            r.statusReason = "Out of scope: " + scopeViolation;
            r.policyRule = "scope";
            r.risk = "HIGH";
            r.decidedAt = now;
        } else {
            PolicyDecision d = policy.evaluate(new PolicyInput(agent.id(), s.type(), s.target(), s.environment(),
                    s.summary(), s.justification(), s.payload()));
            r.policyVersion = d.policyVersion();
            r.policyRule = d.ruleName();
            r.risk = d.risk() == null ? null : d.risk().name();
            r.statusReason = d.reason();
            if (d.outcome() == PolicyOutcome.REVIEW) {
                registry.lock(agent.id());
                long pending = ActionRequest.count("agentId = ?1 and status = ?2", agent.id(), ActionStatus.PENDING_REVIEW);
                if (pending >= agent.maxPendingReviews()) {
                    throw new PendingReviewQuotaExceeded(agent.maxPendingReviews());
                }
                r.status = ActionStatus.PENDING_REVIEW;
                r.reviewGroups = List.copyOf(d.review().groups());
                r.reviewApprovals = d.review().approvals();
                r.reviewTimeoutSeconds = d.review().timeout().toSeconds();
                r.reviewEscalationGroup = d.review().escalationGroup();
                r.reviewNotify = d.review().notifyChannels();
            } else {
                r.status = d.outcome() == PolicyOutcome.DENY ? ActionStatus.DENIED : ActionStatus.APPROVED;
                // a machine decision names the rule, so an executor tells it from people's approvals (docs/executors.md)
                r.approvers = r.status == ActionStatus.APPROVED ? List.of(POLICY_APPROVER + d.ruleName()) : null;
                r.decidedAt = now;
            }
        }
        r.persist();
        String body = toJson(ActionView.of(r));
        // Claims the key and stores the response in one statement. On a retry the row exists and
        // nothing is inserted; a concurrent twin makes PostgreSQL wait for its outcome first.
        // Either way this attempt rolls back and the caller replays what was stored.
        int claimed = em.createNativeQuery("INSERT INTO action_idempotency (agent_id, idempotency_key, request_sha256,"
                + " request_id, response_status, response_body, created_at) VALUES (?1, ?2, ?3, ?4, 201, ?5, ?6)"
                + " ON CONFLICT DO NOTHING")
                .setParameter(1, agent.id()).setParameter(2, key).setParameter(3, s.requestSha256())
                .setParameter(4, r.id).setParameter(5, body).setParameter(6, now)
                .executeUpdate();
        if (claimed == 0) {
            throw new IdempotencyKeyTaken();
        }

        statusChanged.fire(new ActionStatusChanged(r.id, r.agentId, null, r.status, Actor.agent(agent.id()),
                submissionFacts(r)));
        metrics.submitted(r.status, r.policyRule);
        return new SubmissionResult(r.id, 201, body, false, r.status);
    }

    /** The status a stored submission response announced. */
    private static ActionStatus statusIn(String responseBody) {
        try {
            return ActionStatus.valueOf(JsonSupport.MAPPER.readTree(responseBody).path("status").asText());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("stored submission response is not a request", e);
        }
    }

    private static Map<String, Object> submissionFacts(ActionRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", r.type);
        m.put("target", r.target);
        m.put("environment", r.environment);
        m.put("summary", r.summary);
        m.put("payloadSha256", r.payloadSha256);
        m.put("status", r.status.name());
        m.put("policyVersion", r.policyVersion);
        m.put("policyRule", r.policyRule);
        m.put("risk", r.risk);
        m.put("reason", r.statusReason);
        if (r.reviewGroups != null) {
            m.put("reviewGroups", r.reviewGroups);
            m.put("reviewApprovals", r.reviewApprovals);
        }
        m.values().removeIf(Objects::isNull);
        return m;
    }

    /**
     * The request {@code id} if it belongs to {@code agentId}; otherwise 404 (existence is not
     * leaked). The request is read in a transaction of its own (so a long-poll re-read sees a
     * fresh session rather than the request-scoped one that cached the earlier state), and that
     * transaction ends before the release token is looked up: issuing one may wait for the audit
     * sequencer to chain the approval (up to 5 s, {@code ActionReleases}) and must not pin a
     * pooled connection meanwhile — with a fixed-size pool, enough such waits would starve the
     * sequencer they wait for (docs/operations.md, "Database connections").
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public ActionView get(String agentId, UUID id) {
        Read read = QuarkusTransaction.requiringNew().call(() -> {
            ActionRequest r = owned(agentId, id);
            ActionView view = ActionView.of(r);
            // a request policy decided alone has no decisions: no query on the fast path's reads
            if (r.reviewGroups != null) {
                view = view.withDecisions(decisions.on(id));
            }
            // Only the owning agent gets here (owned() above), and only once the request is APPROVED.
            return new Read(view, r.status != ActionStatus.APPROVED ? null
                    : new ReleaseProvider.ApprovedAction(r.id, r.agentId, r.type, r.target, r.environment,
                            r.payloadSha256, r.approvers == null ? List.of() : List.copyOf(r.approvers),
                            r.policyVersion, r.policyRule));
        });
        if (read.approved() != null && releases.isResolvable()) {
            return read.view().withRelease(releases.get().releaseFor(read.approved()));
        }
        return read.view();
    }

    private record Read(ActionView view, ReleaseProvider.ApprovedAction approved) {
    }

    /**
     * Approves a pending request on behalf of {@code approvers} (the people whose approvals
     * made the decision); the release is issued when the agent reads the request.
     */
    public ActionView approve(UUID id, List<String> approvers, String reason, Actor actor) {
        return transition(id, ActionStatus.APPROVED, reason, actor, null, List.copyOf(approvers));
    }

    /** Agent cancels its own pending request. */
    public ActionView cancel(String agentId, UUID id, String reason) {
        owned(agentId, id);
        return transition(id, ActionStatus.CANCELLED,
                reason == null || reason.isBlank() ? "Cancelled by the agent" : reason.strip(), Actor.agent(agentId), null);
    }

    /** Agent reports how the approved action went. */
    public ActionView reportOutcome(String agentId, UUID id, ActionStatus outcome, String detail) {
        if (outcome != ActionStatus.EXECUTED && outcome != ActionStatus.EXECUTION_FAILED) {
            throw ProblemException.validation(List.of(new Problem.FieldError("outcome",
                    "must be EXECUTED or EXECUTION_FAILED")));
        }
        owned(agentId, id);
        return transition(id, outcome, null, Actor.agent(agentId), detail == null || detail.isBlank() ? null : detail.strip());
    }

    /**
     * Moves request {@code id} to {@code to} if its current status allows it: one conditional
     * UPDATE, so two racing decisions cannot both win. 409 when the transition is illegal.
     */
    public ActionView transition(UUID id, ActionStatus to, String reason, Actor actor) {
        if (to == ActionStatus.APPROVED) {
            throw new IllegalArgumentException("use approve(): an approval names its approvers");
        }
        return transition(id, to, reason, actor, null, null);
    }

    private ActionView transition(UUID id, ActionStatus to, String reason, Actor actor, String outcomeDetail) {
        return transition(id, to, reason, actor, outcomeDetail, null);
    }

    private ActionView transition(UUID id, ActionStatus to, String reason, Actor actor, String outcomeDetail,
            List<String> approvers) {
        ActionRequest current = ActionRequest.findById(id);
        if (current == null) {
            throw ProblemException.notFound("No action request " + id + ".");
        }
        ActionStatus from = current.status;
        OffsetDateTime now = now();
        int updated = em.createQuery("update ActionRequest set status = ?1, statusReason = coalesce(?2, statusReason), "
                + "updatedAt = ?3, decidedAt = case when ?4 = true then ?3 else decidedAt end, "
                + "outcomeDetail = coalesce(?7, outcomeDetail) "
                + "where id = ?5 and status in ?6")
                .setParameter(1, to).setParameter(2, reason).setParameter(3, now)
                .setParameter(4, decides(from, to)).setParameter(5, id)
                .setParameter(6, ActionStatus.sourcesOf(to)).setParameter(7, outcomeDetail).executeUpdate();
        em.refresh(current);
        if (updated == 0) {
            throw ProblemException.conflict("illegal-transition", "Request " + id + " is " + current.status
                    + " and cannot become " + to + ".");
        }
        if (approvers != null) {
            current.approvers = approvers; // this transaction won the conditional update above
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("payloadSha256", current.payloadSha256);
        if (current.statusReason != null) {
            details.put("reason", current.statusReason);
        }
        if (outcomeDetail != null) {
            details.put("outcomeDetail", outcomeDetail);
        }
        if (approvers != null) {
            details.put("approvers", approvers);
        }
        statusChanged.fire(new ActionStatusChanged(id, current.agentId, from, to, actor, details));
        if (decides(from, to)) {
            metrics.decided(to, current.createdAt, now);
        }
        return ActionView.of(current);
    }

    /** Leaving review for a final answer is a decision; going to and from CHANGES_REQUESTED is not. */
    private static boolean decides(ActionStatus from, ActionStatus to) {
        return from.inReview() && !to.inReview();
    }

    /**
     * Agent submits a revision of a request whose reviewer asked for changes: new payload,
     * summary and justification (hence a new digest), back to PENDING_REVIEW in one
     * conditional UPDATE (409 unless CHANGES_REQUESTED). Policy is evaluated again: when it
     * still routes to review its (possibly stricter) requirements apply; otherwise the
     * earlier review requirements stay, since a human review is never weakened by a revision.
     */
    public ActionView revise(String agentId, UUID id, ActionSubmission s) {
        ActionRequest current = owned(agentId, id);
        // the revision being replaced is read under the row lock the conditional UPDATE needs anyway,
        // so what is kept as the previous revision is exactly what the UPDATE overwrites
        em.refresh(current, LockModeType.PESSIMISTIC_WRITE);
        String previousDigest = current.payloadSha256;
        String previousSummary = current.summary;
        String previousJustification = current.justification;
        String previousPayload = current.payload;
        PolicyDecision d = policy.evaluate(new PolicyInput(agentId, s.type(), s.target(), s.environment(),
                s.summary(), s.justification(), s.payload()));
        boolean review = d.outcome() == PolicyOutcome.REVIEW;
        int updated = em.createQuery("update ActionRequest set status = ?1, summary = ?2, justification = ?3, "
                + "payload = ?4, payloadSha256 = ?5, updatedAt = ?6, statusReason = ?7, "
                + "policyVersion = case when ?8 = true then ?9 else policyVersion end, "
                + "policyRule = case when ?8 = true then ?10 else policyRule end, "
                + "risk = case when ?8 = true then ?11 else risk end, "
                + "reviewApprovals = case when ?8 = true then ?12 else reviewApprovals end, "
                + "reviewTimeoutSeconds = case when ?8 = true then ?13 else reviewTimeoutSeconds end, "
                + "reviewEscalationGroup = case when ?8 = true then ?14 else reviewEscalationGroup end "
                + "where id = ?15 and status = ?16")
                .setParameter(1, ActionStatus.PENDING_REVIEW).setParameter(2, s.summary())
                .setParameter(3, s.justification()).setParameter(4, s.canonicalPayload())
                .setParameter(5, s.payloadSha256()).setParameter(6, now())
                .setParameter(7, "Revised by the agent; review restarted").setParameter(8, review)
                .setParameter(9, d.policyVersion()).setParameter(10, d.ruleName())
                .setParameter(11, d.risk() == null ? current.risk : d.risk().name())
                .setParameter(12, review ? d.review().approvals() : current.reviewApprovals)
                .setParameter(13, review ? d.review().timeout().toSeconds() : current.reviewTimeoutSeconds)
                .setParameter(14, review ? d.review().escalationGroup() : current.reviewEscalationGroup)
                .setParameter(15, id).setParameter(16, ActionStatus.CHANGES_REQUESTED).executeUpdate();
        if (updated == 0) {
            em.refresh(current);
            throw ProblemException.conflict("not-awaiting-revision", "Request " + id + " is " + current.status
                    + "; a revision is only accepted while it is CHANGES_REQUESTED.");
        }
        em.createNativeQuery("INSERT INTO action_revision (request_id, revision, summary, justification, payload, "
                + "payload_sha256, replaced_at) VALUES (?1, (SELECT COUNT(*) FROM action_revision WHERE request_id = ?1), "
                + "?2, ?3, ?4, ?5, ?6)").setParameter(1, id).setParameter(2, previousSummary)
                .setParameter(3, previousJustification).setParameter(4, previousPayload).setParameter(5, previousDigest)
                .setParameter(6, now()).executeUpdate();
        if (review) {
            // groups are a list column (converter), so they are set on the entity rather than in JPQL
            em.refresh(current);
            current.reviewGroups = List.copyOf(d.review().groups());
            em.flush();
        }
        em.refresh(current);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("payloadSha256", s.payloadSha256());
        details.put("previousPayloadSha256", previousDigest);
        details.put("reason", "Revised by the agent; review restarted");
        statusChanged.fire(new ActionStatusChanged(id, agentId, ActionStatus.CHANGES_REQUESTED,
                ActionStatus.PENDING_REVIEW, Actor.agent(agentId), details));
        return ActionView.of(current);
    }

    /**
     * Any request by id with its row locked until the caller's transaction ends (callers check
     * visibility): a reviewer's decision checks the status under this lock, so a concurrent
     * cancellation or outcome (conditional UPDATEs of the same row) is ordered before or after
     * the whole decision, never in the middle of it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<ActionView> lockForDecision(UUID id) {
        ActionRequest r = em.find(ActionRequest.class, id, LockModeType.PESSIMISTIC_WRITE); // SELECT … FOR UPDATE
        if (r == null) {
            return Optional.empty();
        }
        em.refresh(r); // an entity this transaction read before keeps its old state through find; read it under the lock
        return Optional.of(ActionView.of(r));
    }

    /**
     * The revision the current one replaced (the newest kept), for reviewers (callers check
     * visibility); empty for a request never revised.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<ActionRevision> previousRevision(UUID id) {
        List<?> rows = em.createNativeQuery("SELECT revision, summary, justification, payload, payload_sha256 "
                + "FROM action_revision WHERE request_id = ?1 ORDER BY revision DESC").setParameter(1, id)
                .setMaxResults(1).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        try {
            return Optional.of(new ActionRevision(((Number) r[0]).intValue(), text(r[1]), text(r[2]),
                    JsonSupport.MAPPER.readTree(text(r[3])), text(r[4])));
        } catch (JsonProcessingException | SQLException e) {
            throw new IllegalStateException("stored revision of " + id + " is not readable", e);
        }
    }

    /** A native query's text column: H2 hands TEXT over as a CLOB, PostgreSQL as a String. */
    private static String text(Object column) throws SQLException {
        return column instanceof Clob c ? c.getSubString(1, (int) c.length()) : (String) column;
    }

    /** Any request by id, for reviewers and the review process (callers check visibility). */
    public Optional<ActionView> find(UUID id) {
        ActionRequest r = ActionRequest.findById(id);
        return Optional.ofNullable(r).map(ActionView::of);
    }

    /** One page of the agent's requests, newest first, using an opaque keyset cursor. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ActionPage list(String agentId, ActionQuery q) {
        StringBuilder jpql = new StringBuilder("from ActionRequest where agentId = :agent");
        if (q.status() != null) {
            jpql.append(" and status = :status");
        }
        if (q.type() != null) {
            jpql.append(" and type = :type");
        }
        if (q.from() != null) {
            jpql.append(" and createdAt >= :from");
        }
        if (q.to() != null) {
            jpql.append(" and createdAt < :to");
        }
        Cursor c = q.cursor() == null ? null : Cursor.decode(q.cursor());
        if (c != null) {
            jpql.append(" and (createdAt < :cAt or (createdAt = :cAt and id < :cId))");
        }
        jpql.append(" order by createdAt desc, id desc");
        var query = em.createQuery(jpql.toString(), ActionRequest.class).setParameter("agent", agentId)
                .setMaxResults(q.limit() + 1);
        if (q.status() != null) {
            query.setParameter("status", q.status());
        }
        if (q.type() != null) {
            query.setParameter("type", q.type());
        }
        if (q.from() != null) {
            query.setParameter("from", q.from());
        }
        if (q.to() != null) {
            query.setParameter("to", q.to());
        }
        if (c != null) {
            query.setParameter("cAt", c.createdAt()).setParameter("cId", c.id());
        }
        List<ActionRequest> rows = query.getResultList();
        List<ActionView> items = new ArrayList<>();
        for (int i = 0; i < Math.min(rows.size(), q.limit()); i++) {
            items.add(ActionView.of(rows.get(i)));
        }
        String next = null;
        if (rows.size() > q.limit()) {
            ActionRequest last = rows.get(q.limit() - 1);
            next = new Cursor(last.createdAt, last.id).encode();
        }
        return new ActionPage(items, next);
    }

    /** Deletes idempotency records older than the retention (called by the scheduler). */
    public int purgeIdempotencyKeysBefore(OffsetDateTime cutoff) {
        return (int) IdempotencyRecord.delete("createdAt < ?1", cutoff);
    }

    private ActionRequest owned(String agentId, UUID id) {
        ActionRequest r = ActionRequest.findById(id);
        if (r == null || !r.agentId.equals(agentId)) {
            throw ProblemException.notFound("No action request " + id + " for this agent.");
        }
        return r;
    }

    static String toJson(ActionView v) {
        try {
            return JsonSupport.MAPPER.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime now() {
        // Microsecond precision: what both H2 and PostgreSQL store, so keyset cursors compare exactly.
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    /** Keyset position: creation time and id of the last row of the previous page. */
    record Cursor(OffsetDateTime createdAt, UUID id) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        /** What the list says about a cursor it did not issue. */
        static final String INVALID = "is not a cursor returned by this API (pass nextCursor of the previous page)";

        static Cursor decode(String s) {
            return parse(s).orElseThrow(() -> ProblemException.validation(List.of(new Problem.FieldError("cursor",
                    INVALID))));
        }

        /** The position {@code s} encodes, or empty when it is not a cursor this API issued. */
        static Optional<Cursor> parse(String s) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8).split("\\|");
                return Optional.of(new Cursor(OffsetDateTime.parse(parts[0]), UUID.fromString(parts[1])));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
