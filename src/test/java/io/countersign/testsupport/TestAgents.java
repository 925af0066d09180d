package io.countersign.testsupport;

import io.countersign.identity.AgentInput;
import io.countersign.identity.AgentRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;

/** Registers agents with unique ids so tests never share data. */
@ApplicationScoped
public class TestAgents {

    @Inject
    AgentRegistry registry;

    /** An agent allowed every built-in type on any target in staging and production. */
    public String register() {
        return register(List.of("db.schema.change", "payment.transfer", "code.push", "ops.restart"), 1000, 100);
    }

    public String register(List<String> types, int requestsPerMinute, int maxPendingReviews) {
        return register(types, List.of("**"), requestsPerMinute, maxPendingReviews);
    }

    /** An agent allowed {@code types} on the targets matching {@code targets} (globs). */
    public String register(List<String> types, List<String> targets, int requestsPerMinute, int maxPendingReviews) {
        String id = "agent-" + UUID.randomUUID().toString().substring(0, 13);
        registry.create(new AgentInput(id, "Test agent", "owner-" + id, types, targets,
                List.of("staging", "production", "sandbox"),
                new AgentInput.Quotas(requestsPerMinute, maxPendingReviews), true), "test");
        return id;
    }

    public void disable(String id) {
        var v = registry.get(id);
        registry.replace(id, new AgentInput(null, v.displayName(), v.ownerUserId(), v.allowedTypes(),
                v.allowedTargets(), v.allowedEnvironments(), null, false), "test");
    }
}
