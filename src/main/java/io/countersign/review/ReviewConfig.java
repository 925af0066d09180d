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

    /** Whether this node deploys the process, registers job handlers and runs the reconciler. */
    @WithDefault("true")
    boolean enabled();
}
