package io.countersign.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** What a {@link JobHandler} decided; the engine applies it (complete, fail or BPMN error). */
public sealed interface JobResult {

    /** Complete the job, merging the variables into the instance (listener jobs: must be empty). */
    record Complete(Map<String, Object> variables) implements JobResult {
        public Complete {
            variables = Map.copyOf(Objects.requireNonNull(variables));
        }
    }

    /** Fail the job; with {@code retries > 0} it is retried after {@code backoff}, else an incident. */
    record Fail(int retries, Duration backoff, String errorMessage) implements JobResult {
        public Fail {
            Objects.requireNonNull(backoff);
        }
    }

    /** Throw a BPMN error; without a catching error event the engine raises an incident. */
    record BpmnError(String errorCode, String errorMessage) implements JobResult {
    }

    /** The handler already settled the job itself through {@link WorkflowEngine}. */
    record Handled() implements JobResult {
    }

    /** Complete without variables. */
    static JobResult complete() {
        return new Complete(Map.of());
    }

    /** Complete with variables. */
    static JobResult complete(Map<String, Object> variables) {
        return new Complete(variables);
    }

    /** Fail with the given remaining retries, backoff and message. */
    static JobResult fail(int retries, Duration backoff, String message) {
        return new Fail(retries, backoff, message);
    }
}
