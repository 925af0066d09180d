package io.countersign.engine.outbox;

import io.countersign.common.delivery.DeliveryStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the engine outbox: reports pending and parked rows; with parked rows the state is
 * {@code degraded} (UP, so one bad command does not take every replica out of the load balancer;
 * set {@code countersign.outbox.health-down-when-parked=true} for DOWN). DOWN while the outbox
 * cannot be read (the database is unreachable).
 */
@Readiness
@ApplicationScoped
public class OutboxHealthCheck implements HealthCheck {

    @Inject
    OutboxStore store;

    @Inject
    OutboxConfig config;

    @Override
    public HealthCheckResponse call() {
        Map<DeliveryStatus, Long> counts;
        try {
            counts = store.counts();
        } catch (RuntimeException e) {
            // Unreadable outbox (typically the database is down): report DOWN with the reason
            // instead of throwing, which SmallRye Health would log as an error on every probe.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return HealthCheckResponse.named("engine-outbox").down()
                    .withData("error", "cannot read the outbox: " + cause.getMessage()).build();
        }
        long parked = counts.get(DeliveryStatus.PARKED);
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("engine-outbox")
                .withData("pending", counts.get(DeliveryStatus.PENDING))
                .withData("parked", parked)
                .withData("state", parked > 0 ? "degraded" : "ok");
        return (parked > 0 && config.healthDownWhenParked() ? builder.down() : builder.up()).build();
    }
}
