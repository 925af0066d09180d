package io.countersign.identity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of bearer-token verification: DOWN while the identity provider's JWKS URL does not
 * answer with keys (no caller can be authenticated then), so the orchestrator stops routing to a
 * replica that would only answer 503. Local key files were checked at start-up and stay UP.
 */
@Readiness
@ApplicationScoped
public class JwtKeysHealthCheck implements HealthCheck {

    @Inject
    JwtKeySource keys;

    @Override
    public HealthCheckResponse call() {
        Optional<String> problem = keys.lastKnownProblem();
        var b = HealthCheckResponse.named("jwt-keys").withData("location", keys.location())
                .withData("source", keys.remote() ? "jwks-url" : "local");
        return problem.map(p -> b.down().withData("error", p)).orElseGet(b::up).build();
    }
}
