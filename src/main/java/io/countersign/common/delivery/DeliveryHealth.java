package io.countersign.common.delivery;

import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The readiness answer of one delivery table: pending and parked rows, {@code degraded} (UP, so
 * one bad row does not take every replica out of the load balancer) or DOWN when asked while rows
 * are parked; DOWN while the table cannot be read (the database is unreachable).
 */
public final class DeliveryHealth {

    private DeliveryHealth() {
    }

    public static HealthCheckResponse check(String name, DeliveryTable table, String what, boolean downWhenParked) {
        Map<DeliveryStatus, Long> counts;
        try {
            counts = table.counts();
        } catch (RuntimeException e) {
            // Reported instead of thrown: SmallRye Health would log an error on every probe.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return HealthCheckResponse.named(name).down().withData("error", "cannot read " + what + ": "
                    + cause.getMessage()).build();
        }
        long parked = counts.get(DeliveryStatus.PARKED);
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(name)
                .withData("pending", counts.get(DeliveryStatus.PENDING))
                .withData("parked", parked)
                .withData("state", parked > 0 ? "degraded" : "ok");
        return (parked > 0 && downWhenParked ? builder.down() : builder.up()).build();
    }
}
