package io.countersign.notification;

import io.countersign.common.delivery.DeliveryHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of reviewer notifications: pending and parked rows; parked rows make the state
 * {@code degraded} (UP unless {@code countersign.notifications.health-down-when-parked=true}),
 * and a configuration without a base URL says that nothing is sent.
 */
@Readiness
@ApplicationScoped
public class NotificationHealthCheck implements HealthCheck {

    @Inject
    NotificationStore store;

    @Inject
    NotificationConfig config;

    @Override
    public HealthCheckResponse call() {
        if (!config.enabled() || config.baseUrl().isEmpty()) {
            return HealthCheckResponse.named("notifications").up().withData("state", config.enabled()
                    ? "off: countersign.notifications.base-url is not set" : "off").build();
        }
        return DeliveryHealth.check("notifications", store, "the notification table", config.healthDownWhenParked());
    }
}
