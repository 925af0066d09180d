package io.countersign.audit.witness;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Witness lag, in its own health group ({@code /q/health/group/audit-witness}), deliberately
 * not part of readiness: a witness that is down must not take the gateway out of service (its
 * checkpoints are cosigned when it is back). DOWN when a witness contradicts the trail
 * (truncation, rollback, fork), or when fewer than the quorum of witnesses are reachable with
 * at most {@code countersign.audit.witness.max-pending} checkpoints waiting.
 */
@HealthGroup("audit-witness")
@ApplicationScoped
public class WitnessHealthCheck implements HealthCheck {

    @Inject
    CheckpointPublisher publisher;
    @Inject
    WitnessConfig config;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("audit-witness").withData("quorum", publisher.quorum());
        int current = 0;
        boolean conflict = false;
        for (CheckpointPublisher.Witness w : publisher.witnesses()) {
            b.withData(w.name() + ".pending", w.pending());
            b.withData(w.name() + ".cosignedSize", w.cosignedSize());
            b.withData(w.name() + ".reachable", w.lastError() == null);
            if (w.lastError() != null) {
                b.withData(w.name() + ".error", w.lastError());
            }
            if (w.conflict() != null) {
                b.withData(w.name() + ".conflict", w.conflict());
                conflict = true;
            } else if (w.lastError() == null && w.pending() <= config.maxPending()) {
                current++;
            }
        }
        return (!conflict && current >= publisher.quorum() ? b.up() : b.down()).build();
    }
}
