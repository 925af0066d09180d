package io.countersign.engine.outbox;

import io.countersign.common.delivery.DeliveryHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
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
        return DeliveryHealth.check("engine-outbox", store, "the outbox", config.healthDownWhenParked());
    }
}
