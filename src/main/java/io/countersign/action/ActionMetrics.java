package io.countersign.action;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;

/** Prometheus metrics of the action API: submissions by outcome, decision latency, quota refusals. */
@ApplicationScoped
public class ActionMetrics {

    @Inject
    MeterRegistry registry;

    void submitted(ActionStatus status, String rule) {
        String outcome = "scope".equals(rule) ? "denied_scope" : status.name().toLowerCase(Locale.ROOT);
        Counter.builder("countersign.submissions").description("Action submissions by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    void replayed() {
        Counter.builder("countersign.submissions.replayed").description("Submissions answered from the idempotency store")
                .register(registry).increment();
    }

    void quotaRefused(String kind) {
        Counter.builder("countersign.quota.refusals").description("Submissions refused by a per-agent quota")
                .tag("quota", kind).register(registry).increment();
    }

    void decided(ActionStatus to, OffsetDateTime createdAt, OffsetDateTime decidedAt) {
        Timer.builder("countersign.decision.latency").description("Time from submission to a review decision")
                .tag("outcome", to.name().toLowerCase(Locale.ROOT)).publishPercentileHistogram()
                .register(registry).record(Duration.between(createdAt, decidedAt));
    }
}
