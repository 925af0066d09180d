package io.countersign.review;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the review process glue ({@code countersign.review.*}). */
@ConfigMapping(prefix = "countersign.review")
public interface ReviewConfig {

    /** BPMN process id of the approval process deployed from bpmn/action-approval.bpmn. */
    @WithDefault("action-approval")
    String processId();

    /** Share of the review timeout after which the reminder/escalation timer fires (0 &lt; x &lt; 1). */
    @WithDefault("0.75")
    double escalateAtFraction();

    /** How often the reconciler starts missing instances and re-sends lost messages and decisions. */
    @WithDefault("30s")
    Duration reconcileInterval();

    /** How long cancellation and revision messages stay buffered for an instance that is not yet waiting. */
    @WithDefault("PT15M")
    Duration messageTimeToLive();

    /**
     * Lock timeout of the review process's jobs (task listeners and service tasks): a job whose
     * worker died with it — a crashed or killed node — is delivered again this long after it was
     * taken. The handlers are single short transactions (milliseconds), so the engine's general
     * default of five minutes would only delay a review task's appearance, or a decision's effect,
     * by five minutes after a crash. Re-delivery is safe: every handler is idempotent.
     */
    @WithDefault("30s")
    Duration jobTimeout();

    /** Whether this node deploys the process, registers job handlers and runs the reconciler. */
    @WithDefault("true")
    boolean enabled();
}
