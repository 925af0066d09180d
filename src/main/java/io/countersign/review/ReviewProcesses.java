package io.countersign.review;

import io.countersign.action.ActionService;
import io.countersign.action.ActionStatus;
import io.countersign.action.ActionStatusChanged;
import io.countersign.action.ActionView;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.EngineConflictException;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.WorkflowEngine;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
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

/**
 * Connects requests under review to approval process instances: deploys the BPMN, starts an
 * instance right after a PENDING_REVIEW request commits, forwards the agent's cancellation and
 * revision as messages, and reconciles (at start-up and periodically) whatever a crash left
 * undone: requests without an instance, messages not delivered, decisions not completed.
 */
@ApplicationScoped
public class ReviewProcesses {

    static final String BPMN_RESOURCE = "bpmn/action-approval.bpmn";
    static final String MESSAGE_CANCELLED = "action-cancelled";
    static final String MESSAGE_REVISED = "action-revised";

    @Inject
    WorkflowEngine engine;

    @Inject
    ReviewService reviews;

    @Inject
    ActionService actions;

    @Inject
    ReviewConfig config;

    @Inject
    EntityManager em;

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
     * application: reviews wait and the reconciler deploys on its next run.
     */
    private boolean deploy() {
        try {
            engine.deploy(List.of(new BpmnResource("action-approval.bpmn", bpmn())));
            ready.set(true);
        } catch (io.countersign.engine.DeploymentRejectedException e) {
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

    /** Low-latency path: start/cancel/revise as soon as the request's change commits. */
    void onStatusChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionStatusChanged change) {
        if (!ready.get()) {
            return; // the start-up reconcile picks it up
        }
        // The committed transaction is still bound to this thread during AFTER_SUCCESS, so the
        // engine work runs on a worker thread (which also keeps it off the agent's response time).
        Infrastructure.getDefaultWorkerPool().execute(() -> afterCommit(change));
    }

    private void afterCommit(ActionStatusChanged change) {
        try {
            if (change.to() == ActionStatus.PENDING_REVIEW && change.from() == null) {
                start(change.requestId());
            } else if (change.to() == ActionStatus.PENDING_REVIEW && change.from() == ActionStatus.CHANGES_REQUESTED) {
                publishRevised(change.requestId());
            } else if (change.to() == ActionStatus.CANCELLED && change.from() != null && change.from().inReview()) {
                publishCancelled(change.requestId());
            }
        } catch (RuntimeException e) {
            // never fail the caller's already committed work; the reconciler retries
            Log.warnf(e, "review process step for request %s deferred to the reconciler", change.requestId());
        }
    }

    /** Starts the approval process of a PENDING_REVIEW request unless it has one (idempotent). */
    public void start(UUID requestId) {
        try {
            starter.start(requestId);
        } catch (RuntimeException e) {
            if (reviews.process(requestId).isPresent()) {
                return; // a concurrent start won; its instance is the one
            }
            throw e;
        }
    }

    void publishCancelled(UUID requestId) {
        publish(MESSAGE_CANCELLED, requestId, requestId.toString(), Map.of());
    }

    void publishRevised(UUID requestId) {
        ReviewProcess p = reviews.process(requestId).orElse(null);
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
        publish(MESSAGE_REVISED, requestId, requestId + ":" + p.round, vars);
        reviews.revisionDelivered(requestId);
    }

    private void publish(String name, UUID requestId, String messageId, Map<String, Object> vars) {
        try {
            engine.publishMessage(name, requestId.toString(), config.messageTimeToLive(), messageId, vars);
        } catch (EngineConflictException e) {
            Log.debugf("message %s for %s already buffered", name, requestId);
        }
    }

    /** Finds and repairs what a crash between a commit and its engine call left undone. Idempotent. */
    @Scheduled(every = "${countersign.review.reconcile-interval:30s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reconcile() {
        if ((!ready.get() && !deploy()) || !reconciling.compareAndSet(false, true)) {
            return;
        }
        try {
            for (UUID id : starter.requestsWithoutProcess()) {
                try {
                    start(id);
                } catch (RuntimeException e) {
                    Log.warnf(e, "could not start the approval process of request %s", id);
                }
            }
            for (UUID id : starter.awaitingRevisionButRevised()) {
                publishRevised(id);
            }
            for (UUID id : starter.cancelledButRunning()) {
                publishCancelled(id);
            }
            OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(5);
            for (ReviewService.RecordedDecision d : reviews.decisionsNotInEngine(cutoff)) {
                completeInEngine(d);
            }
        } catch (RuntimeException e) {
            Log.warn("review reconciliation failed; next run retries", e);
        } finally {
            reconciling.set(false);
        }
    }

    /** Completes a decided user task in the engine; leaves it for the reconciler when the task is busy. */
    void completeInEngine(ReviewService.RecordedDecision d) {
        try {
            engine.completeUserTask(d.taskKey(), d.variables());
            reviews.markEngineCompleted(d.taskKey());
        } catch (EngineNotFoundException e) {
            // the task was completed before (re-run) or canceled meanwhile (timeout, agent cancel): nothing to do
            reviews.markEngineCompleted(d.taskKey());
        } catch (EngineConflictException e) {
            Log.debugf("user task %d busy (%s); the reconciler completes it", d.taskKey(), e.getMessage());
        }
    }

    /** Transactional steps of the starter (a separate bean so the interceptor applies). */
    @ApplicationScoped
    @Transactional
    public static class Starter {

        @Inject
        WorkflowEngine engine;

        @Inject
        ReviewService reviews;

        @Inject
        ActionService actions;

        @Inject
        ReviewConfig config;

        @Inject
        EntityManager em;

        /**
         * Starts the instance and records it in one transaction: the embedded engine joins it, so
         * the instance and the mapping row commit together or not at all.
         */
        void start(UUID requestId) {
            if (ReviewProcess.findById(requestId) != null) {
                return;
            }
            ActionView a = actions.find(requestId).orElse(null);
            if (a == null || a.status() != ActionStatus.PENDING_REVIEW || a.review() == null) {
                return;
            }
            long instance = engine.startInstance(config.processId(), variables(a, config.escalateAtFraction()));
            reviews.recordStarted(requestId, instance);
            Log.debugf("approval process %d started for request %s", instance, requestId);
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

        @SuppressWarnings("unchecked")
        List<UUID> cancelledButRunning() {
            return em.createNativeQuery("SELECT p.request_id FROM review_process p JOIN action_request a ON a.id = p.request_id "
                    + "WHERE p.state <> 'ENDED' AND a.status = 'CANCELLED'", UUID.class)
                    .setMaxResults(500).getResultList();
        }
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
