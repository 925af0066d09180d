package io.countersign.review;

import io.countersign.action.ActionStatus;
import io.countersign.engine.JobHandler;
import io.countersign.engine.JobResult;
import io.countersign.engine.JobWorkerOptions;
import io.countersign.engine.WorkflowEngine;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Job handlers of bpmn/action-approval.bpmn: the user task's {@code creating}/{@code canceling}
 * listeners and the service tasks. Thin: each maps the job to one idempotent
 * {@link ReviewService} transaction (delivery is at least once) and completes the job after it
 * commits; a failure fails the job, which the engine retries. Registered with
 * {@code countersign.review.job-timeout} (30 s) as lock timeout, so that after a crash a job the
 * dead node had taken is delivered again within seconds rather than the engine default's minutes.
 */
@ApplicationScoped
public class ReviewJobHandlers {

    /** Job types, exactly as in the BPMN. */
    public static final String TASK_CREATING = "countersign-review-task-creating";
    public static final String TASK_CANCELING = "countersign-review-task-canceling";
    public static final String REQUEST_CHANGES = "countersign-review-request-changes";
    public static final String APPROVE = "countersign-review-approve";
    public static final String REJECT = "countersign-review-reject";
    public static final String EXPIRE = "countersign-review-expire";
    public static final String ESCALATE = "countersign-review-escalate";
    public static final String CANCELLED = "countersign-review-cancelled";

    @Inject
    WorkflowEngine engine;

    @Inject
    ReviewService reviews;

    @Inject
    ReviewConfig config;

    // registered before the process is deployed (ReviewProcesses observes with a later priority)
    void register(@Observes @Priority(1000) StartupEvent ev) {
        if (!config.enabled()) {
            return;
        }
        handle(TASK_CREATING, job -> {
            reviews.onTaskCreating(job);
            return JobResult.complete();
        });
        handle(TASK_CANCELING, job -> {
            reviews.onTaskCanceling(job);
            return JobResult.complete();
        });
        handle(REQUEST_CHANGES, job -> {
            reviews.onChangesRequested(job);
            return JobResult.complete();
        });
        handle(APPROVE, job -> {
            reviews.onOutcome(job, ActionStatus.APPROVED);
            return JobResult.complete();
        });
        handle(REJECT, job -> {
            reviews.onOutcome(job, ActionStatus.REJECTED);
            return JobResult.complete();
        });
        handle(EXPIRE, job -> {
            reviews.onOutcome(job, ActionStatus.EXPIRED);
            return JobResult.complete();
        });
        handle(CANCELLED, job -> {
            reviews.onOutcome(job, ActionStatus.CANCELLED);
            return JobResult.complete();
        });
        handle(ESCALATE, job -> JobResult.complete(reviews.onEscalate(job)));
    }

    private void handle(String jobType, JobHandler handler) {
        engine.registerJobHandler(jobType,
                new JobWorkerOptions(config.jobTimeout(), JobWorkerOptions.defaults().maxJobsActive()), handler);
    }
}
