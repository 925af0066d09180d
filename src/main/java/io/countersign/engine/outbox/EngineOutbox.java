package io.countersign.engine.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Transactional outbox of workflow-engine commands: call it inside the transaction that makes the
 * change causing the command (e.g. accepting a request), so the command exists if and only if the
 * change commits. The {@link OutboxRelay} delivers it after commit through the
 * {@link io.countersign.engine.WorkflowEngine} port (either engine), retrying with backoff.
 *
 * <p>Each command has a dedup key: enqueueing the same key again is a no-op that returns the
 * existing row. Commands with the same ordering key are delivered one after another in enqueue
 * order; a start's dedup key is its ordering key unless given.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class EngineOutbox {

    @Inject
    OutboxStore store;

    @Inject
    OutboxRelay relay;

    @Inject
    TransactionSynchronizationRegistry transactions;

    /** Starts the latest version of a process; the dedup key also orders later commands of the instance. */
    public long enqueueStart(String bpmnProcessId, Map<String, Object> variables, String dedupKey) {
        return enqueueStart(bpmnProcessId, variables, dedupKey, dedupKey);
    }

    /** Starts the latest version of a process, ordered with other commands of {@code orderingKey}. */
    public long enqueueStart(String bpmnProcessId, Map<String, Object> variables, String dedupKey,
            String orderingKey) {
        requireText(bpmnProcessId, "bpmnProcessId");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("processId", bpmnProcessId);
        payload.put("variables", variables == null ? Map.of() : variables);
        return enqueue(OutboxCommandType.START, dedupKey, orderingKey, payload);
    }

    /** Publishes a message; the engine drops a second message with the same id while the first is buffered. */
    public long enqueueMessage(String name, String correlationKey, Duration timeToLive, String messageId,
            Map<String, Object> variables, String dedupKey, String orderingKey) {
        requireText(name, "name");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("name", name);
        payload.put("correlationKey", correlationKey == null ? "" : correlationKey);
        payload.put("ttlMillis", timeToLive == null ? 0 : timeToLive.toMillis());
        payload.put("messageId", messageId);
        payload.put("variables", variables == null ? Map.of() : variables);
        return enqueue(OutboxCommandType.MESSAGE, dedupKey, orderingKey, payload);
    }

    /** Cancels an instance by key. An instance that already ended counts as delivered. */
    public long enqueueCancel(long processInstanceKey, String dedupKey, String orderingKey) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("processInstanceKey", processInstanceKey);
        return enqueue(OutboxCommandType.CANCEL, dedupKey, orderingKey, payload);
    }

    /**
     * Cancels the instance created by an earlier {@link #enqueueStart} (the caller need not know
     * the instance key yet): delivered after that start, in its ordering key.
     */
    public long enqueueCancelStartedBy(String startDedupKey, String dedupKey) {
        requireText(startDedupKey, "startDedupKey");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("startDedupKey", startDedupKey);
        return enqueue(OutboxCommandType.CANCEL, dedupKey, startDedupKey, payload);
    }

    /** Completes a user task with variables (e.g. a reviewer's decision). */
    public long enqueueCompleteUserTask(long userTaskKey, Map<String, Object> variables, String dedupKey,
            String orderingKey) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("userTaskKey", userTaskKey);
        payload.put("variables", variables == null ? Map.of() : variables);
        return enqueue(OutboxCommandType.COMPLETE_USER_TASK, dedupKey, orderingKey, payload);
    }

    /** Assigns a user task ({@code assignee} null unassigns); a task that has ended meanwhile counts as delivered. */
    public long enqueueAssignUserTask(long userTaskKey, String assignee, String dedupKey, String orderingKey) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("userTaskKey", userTaskKey);
        payload.put("assignee", assignee);
        return enqueue(OutboxCommandType.ASSIGN_USER_TASK, dedupKey, orderingKey, payload);
    }

    /** Replaces a user task's candidate groups; a task that has ended meanwhile counts as delivered. */
    public long enqueueUpdateUserTaskCandidateGroups(long userTaskKey, List<String> candidateGroups, String dedupKey,
            String orderingKey) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("userTaskKey", userTaskKey);
        payload.put("candidateGroups", List.copyOf(Objects.requireNonNull(candidateGroups, "candidateGroups")));
        return enqueue(OutboxCommandType.UPDATE_CANDIDATE_GROUPS, dedupKey, orderingKey, payload);
    }

    private long enqueue(OutboxCommandType type, String dedupKey, String orderingKey, Map<String, Object> payload) {
        requireText(dedupKey, "dedupKey");
        if (dedupKey.length() > 200 || (orderingKey != null && orderingKey.length() > 200)) {
            throw new IllegalArgumentException("dedupKey and orderingKey are limited to 200 characters");
        }
        long id = store.insert(dedupKey, orderingKey, type, OutboxPayloads.write(payload));
        relay.wakeAfterCommit(transactions);
        return id;
    }

    private static void requireText(String value, String name) {
        if (Objects.requireNonNull(value, name).isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
