package io.countersign.review;

import io.countersign.action.ActionService;
import io.countersign.action.ActionStatus;
import io.countersign.action.ActionStatusChanged;
import io.countersign.action.ActionView;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.DeploymentRejectedException;
import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.outbox.EngineOutbox;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Connects requests under review to approval process instances. Every engine command that
 * follows from a request change (start the process, the agent's revision and cancellation as
 * messages) is written to the engine outbox in the transaction of that change, on both engines;
 * the outbox relay delivers it after the commit. Deploys the BPMN at start-up (retrying with the
 * reconciler while the engine is unreachable) and re-enqueues, idempotently, what rows written
 * before the outbox existed may lack.
 */
@ApplicationScoped
public class ReviewProcesses {

    static final String BPMN_RESOURCE = "bpmn/action-approval.bpmn";
    static final String MESSAGE_CANCELLED = "action-cancelled";
    static final String MESSAGE_REVISED = "action-revised";

    @Inject
    WorkflowEngine engine;

    @Inject
    ReviewConfig config;

    @Inject
    Starter starter;

    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean reconciling = new AtomicBoolean();

    void onStart(@Observes @Priority(2000) StartupEvent ev) {
        if (!config.enabled()) {
            return;
        }
        if (deploy()) {
            reconcile();
        }
    }

    /**
     * Deploys the approval process (idempotent: an unchanged file creates no new version). An
     * engine that is not reachable yet (a Camunda cluster still starting) must not stop the
     * application: starts wait in the outbox and the reconciler deploys on its next run.
     */
    private boolean deploy() {
        try {
            engine.deploy(List.of(new BpmnResource("action-approval.bpmn", bpmn())));
            ready.set(true);
        } catch (DeploymentRejectedException e) {
            throw e; // a broken BPMN file is a build error, not an outage
        } catch (RuntimeException e) {
            Log.warnf("Approval process not deployed yet (%s); retrying with the reconciler", e.getMessage());
        }
        return ready.get();
    }

    /** The packaged BPMN bytes. */
    static byte[] bpmn() {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(BPMN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(BPMN_RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + BPMN_RESOURCE, e);
        }
    }

    /**
     * Runs inside the transaction that changed the request (a synchronous, in-progress observer):
     * the engine command commits with the change or not at all. A failure here fails the change.
     */
    void onStatusChanged(@Observes ActionStatusChanged change) {
        if (!config.enabled()) {
            return;
        }
        if (change.to() == ActionStatus.PENDING_REVIEW && change.from() == null) {
            starter.start(change.requestId());
        } else if (change.to() == ActionStatus.PENDING_REVIEW && change.from() == ActionStatus.CHANGES_REQUESTED) {
            starter.revised(change.requestId());
        } else if (change.to() == ActionStatus.CANCELLED && change.from() != null && change.from().inReview()) {
            starter.cancelled(change.requestId());
        }
    }

    /** Enqueues the start of the approval process of a PENDING_REVIEW request unless it has one (idempotent). */
    public void start(UUID requestId) {
        starter.start(requestId);
    }

    /** Finds requests whose engine command is missing (written before the outbox existed) and enqueues it. Idempotent. */
    @Scheduled(every = "${countersign.review.reconcile-interval:30s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reconcile() {
        if ((!ready.get() && !deploy()) || !reconciling.compareAndSet(false, true)) {
            return;
        }
        try {
            for (UUID id : starter.requestsWithoutProcess()) {
                repair(id, starter::start);
            }
            for (UUID id : starter.awaitingRevisionButRevised()) {
                repair(id, starter::revised);
            }
            for (UUID id : starter.cancelledButRunning()) {
                repair(id, starter::cancelled);
            }
        } catch (RuntimeException e) {
            Log.warn("review reconciliation failed; next run retries", e);
        } finally {
            reconciling.set(false);
        }
    }

    private static void repair(UUID id, Consumer<UUID> step) {
        try {
            step.accept(id);
        } catch (RuntimeException e) {
            Log.warnf(e, "could not enqueue the review process step of request %s", id);
        }
    }

    /** Outbox-writing steps (a separate bean so the transaction interceptor applies; joins the caller's). */
    @ApplicationScoped
    @Transactional
    public static class Starter {

        @Inject
        EngineOutbox outbox;

        @Inject
        ReviewService reviews;

        @Inject
        ActionService actions;

        @Inject
        ReviewConfig config;

        @Inject
        EntityManager em;

        /** Enqueues the start and records the review (instance key still unknown) in one transaction. */
        void start(UUID requestId) {
            if (ReviewProcess.findById(requestId) != null) {
                return;
            }
            ActionView a = actions.find(requestId).orElse(null);
            if (a == null || a.status() != ActionStatus.PENDING_REVIEW || a.review() == null) {
                return;
            }
            outbox.enqueueStart(config.processId(), variables(a, config.escalateAtFraction()),
                    "review-start:" + requestId, orderingKey(requestId));
            reviews.recordStarted(requestId);
        }

        /** The agent's revision: a message that restarts the review with fresh approvals. */
        void revised(UUID requestId) {
            ReviewProcess p = ReviewProcess.findById(requestId);
            ActionView a = actions.find(requestId).orElse(null);
            if (p == null || a == null) {
                return;
            }
            Map<String, Object> vars = new HashMap<>();
            vars.put("decision", null);
            vars.put("approvalCount", 0);
            vars.put("approvalsRequired", a.review().approvals());
            List<String> candidates = new ArrayList<>(a.review().groups());
            if (p.escalatedGroup != null && !candidates.contains(p.escalatedGroup)) {
                candidates.add(p.escalatedGroup);
            }
            vars.put("candidateGroups", candidates);
            vars.put("revision", p.round);
            String messageId = requestId + ":" + p.round;
            outbox.enqueueMessage(MESSAGE_REVISED, requestId.toString(), config.messageTimeToLive(), messageId, vars,
                    "review-revised:" + messageId, orderingKey(requestId));
            reviews.revisionEnqueued(requestId);
        }

        /** The agent's cancellation: a message that ends the instance as CANCELLED. */
        void cancelled(UUID requestId) {
            outbox.enqueueMessage(MESSAGE_CANCELLED, requestId.toString(), config.messageTimeToLive(),
                    requestId.toString(), Map.of(), "review-cancelled:" + requestId, orderingKey(requestId));
        }

        @SuppressWarnings("unchecked")
        List<UUID> requestsWithoutProcess() {
            return em.createNativeQuery("SELECT a.id FROM action_request a WHERE a.status = 'PENDING_REVIEW' AND NOT EXISTS "
                    + "(SELECT 1 FROM review_process p WHERE p.request_id = a.id) ORDER BY a.created_at", UUID.class)
                    .setMaxResults(500).getResultList();
        }

        @SuppressWarnings("unchecked")
        List<UUID> awaitingRevisionButRevised() {
            return em.createNativeQuery("SELECT p.request_id FROM review_process p JOIN action_request a ON a.id = p.request_id "
                    + "WHERE p.state = 'AWAITING_REVISION' AND a.status = 'PENDING_REVIEW'", UUID.class)
                    .setMaxResults(500).getResultList();
        }

        /** Cancelled requests whose process has not ended and whose cancel message is not in the outbox. */
        @SuppressWarnings("unchecked")
        List<UUID> cancelledButRunning() {
            return em.createNativeQuery("SELECT p.request_id FROM review_process p JOIN action_request a ON a.id = p.request_id "
                    + "WHERE p.state <> 'ENDED' AND a.status = 'CANCELLED' AND NOT EXISTS (SELECT 1 FROM outbox_command o "
                    + "WHERE o.dedup_key = CONCAT('review-cancelled:', CAST(p.request_id AS VARCHAR(36))))", UUID.class)
                    .setMaxResults(500).getResultList();
        }
    }

    /** All engine commands of one request share an ordering key: delivered one after another, in order. */
    static String orderingKey(UUID requestId) {
        return requestId.toString();
    }

    /** Process variables of a new instance: review requirements, deadlines and the request id. */
    static Map<String, Object> variables(ActionView a, double escalateAtFraction) {
        ActionView.ReviewView r = a.review();
        Duration timeout = Duration.parse(r.timeout());
        OffsetDateTime created = a.createdAt().withOffsetSameInstant(ZoneOffset.UTC);
        OffsetDateTime deadline = created.plus(timeout);
        OffsetDateTime escalateAt = created.plusNanos((long) (timeout.toNanos() * escalateAtFraction));
        Map<String, Object> vars = new HashMap<>();
        vars.put("requestId", a.id().toString());
        vars.put("reviewGroups", List.copyOf(r.groups()));
        vars.put("candidateGroups", List.copyOf(r.groups()));
        vars.put("approvalsRequired", r.approvals());
        vars.put("approvalCount", 0);
        vars.put("decision", null);
        vars.put("escalationGroup", r.escalationGroup());
        vars.put("reviewTimeout", timeout.toString());
        vars.put("reviewDeadline", deadline.toString());
        vars.put("escalateAt", escalateAt.toString());
        vars.put("risk", a.risk());
        return vars;
    }
}
