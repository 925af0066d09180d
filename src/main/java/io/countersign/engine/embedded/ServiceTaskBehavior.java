package io.countersign.engine.embedded;

import io.countersign.engine.JobKind;
import io.countersign.engine.embedded.ProcessModel.Node;
import java.util.Map;

/** Service tasks: create a job of the task's type and wait until a worker completes it. */
final class ServiceTaskBehavior extends FlowNodeBehavior {

    ServiceTaskBehavior(Behaviors b) {
        super(b);
    }

    @Override
    public Runnable onActivating(ElementRow element, Node node, Map<String, Object> variables) {
        String type = b.feel.string(node.jobType(), variables, "job type");
        int retries = JobBehavior.retries(b.feel.value(node.jobRetries(), variables, "EXTRACT_VALUE_ERROR"),
                "job retries");
        return () -> b.jobs.create(element, type, retries, JobKind.BPMN_ELEMENT, null, node.headers());
    }

    @Override
    public void onActivated(ElementRow element, Node node) {
        // waits: completing the job completes the task
    }
}
