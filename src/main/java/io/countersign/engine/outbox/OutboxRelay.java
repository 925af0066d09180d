package io.countersign.engine.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.delivery.DeliveryRelay;
import io.countersign.common.delivery.DeliverySettings;
import io.countersign.common.delivery.DeliveryTable;
import io.countersign.engine.EngineConflictException;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.WorkflowEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Delivers outbox rows through the {@link WorkflowEngine} port (either engine); the claiming,
 * retries, backoff and parking are {@link DeliveryRelay}'s (metrics
 * {@code countersign.outbox.entries} and {@code countersign.outbox.deliveries}).
 */
@ApplicationScoped
public class OutboxRelay extends DeliveryRelay {

    @Inject
    OutboxStore store;

    @Inject
    OutboxConfig config;

    @Inject
    WorkflowEngine engine;

    @Inject
    MeterRegistry registry;

    public OutboxRelay() {
        super("outbox-relay", "countersign.outbox");
    }

    void onStart(@Observes StartupEvent event) {
        registerMetrics(registry);
        if (config.relayEnabled()) {
            start(registry);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    @Override
    protected DeliveryTable table() {
        return store;
    }

    @Override
    protected DeliverySettings settings() {
        return config;
    }

    /**
     * Runs a command that only matters while the user task is open. A task that is gone was
     * completed by an earlier attempt whose answer was lost, or canceled meanwhile (review
     * timeout, the agent's cancellation): either way nothing is left to change.
     */
    private Outcome onOpenUserTask(long task, Runnable command) {
        try {
            command.run();
            return new Outcome(task, "delivered");
        } catch (EngineNotFoundException gone) {
            return new Outcome(task, "already applied: user task no longer open");
        }
    }

    @Override
    protected Outcome execute(DeliveryTable.Claimed row) {
        JsonNode payload = OutboxPayloads.read(row.payload());
        switch (OutboxCommandType.valueOf(row.type())) {
            case START -> {
                Map<String, Object> variables = OutboxPayloads.variables(payload);
                variables.putIfAbsent(WorkflowEngine.BUSINESS_ID_VARIABLE, row.dedupKey());
                try {
                    return new Outcome(engine.startInstance(payload.path("processId").asText(), variables),
                            "delivered");
                } catch (EngineConflictException alreadyStarted) {
                    // Business-id uniqueness (the embedded engine always, Camunda with uniqueness
                    // control) refused a second active instance for this dedup key: an earlier
                    // attempt whose answer was lost did start it.
                    return new Outcome(null, "already applied: " + alreadyStarted.getMessage());
                }
            }
            case MESSAGE -> {
                String messageId = payload.hasNonNull("messageId") ? payload.path("messageId").asText() : null;
                try {
                    return new Outcome(engine.publishMessage(payload.path("name").asText(),
                            payload.path("correlationKey").asText(), Duration.ofMillis(payload.path("ttlMillis")
                                    .asLong()), messageId, OutboxPayloads.variables(payload)), "delivered");
                } catch (EngineConflictException duplicate) {
                    return new Outcome(null, "already applied: duplicate message id");
                }
            }
            case CANCEL -> {
                long key;
                if (payload.hasNonNull("processInstanceKey")) {
                    key = payload.path("processInstanceKey").asLong();
                } else {
                    String start = payload.path("startDedupKey").asText();
                    key = store.resultKeyOf(start).orElseThrow(() -> new IllegalStateException(
                            "the instance key of start " + start + " is unknown (not delivered, or refused as a "
                                    + "duplicate without a key)"));
                }
                try {
                    engine.cancelInstance(key);
                    return new Outcome(key, "delivered");
                } catch (EngineNotFoundException ended) {
                    return new Outcome(key, "already applied: instance not active");
                }
            }
            case COMPLETE_USER_TASK -> {
                long task = payload.path("userTaskKey").asLong();
                return onOpenUserTask(task, () -> engine.completeUserTask(task, OutboxPayloads.variables(payload)));
            }
            case ASSIGN_USER_TASK -> {
                long task = payload.path("userTaskKey").asLong();
                String assignee = payload.hasNonNull("assignee") ? payload.path("assignee").asText() : null;
                return onOpenUserTask(task, () -> engine.assignUserTask(task, assignee));
            }
            case UPDATE_CANDIDATE_GROUPS -> {
                long task = payload.path("userTaskKey").asLong();
                List<String> groups = OutboxPayloads.strings(payload.path("candidateGroups"));
                return onOpenUserTask(task, () -> engine.updateUserTaskCandidateGroups(task, groups));
            }
            default -> throw new IllegalStateException("unknown outbox command " + row.type());
        }
    }
}
