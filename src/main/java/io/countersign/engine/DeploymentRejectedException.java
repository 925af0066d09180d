package io.countersign.engine;

import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A deployment refused as a whole (400): invalid BPMN or constructs outside the engine's subset. */
public class DeploymentRejectedException extends ProblemException {

    private final List<BpmnProblem> problems;

    public DeploymentRejectedException(List<BpmnProblem> problems) {
        super(400, "bpmn-rejected", "BPMN deployment rejected",
                problems.stream().map(BpmnProblem::toString).collect(Collectors.joining("; ")),
                problems.stream().map(p -> new Problem.FieldError(p.resourceName() + "#" + p.elementId(), p.reason()))
                        .toList(),
                Map.of());
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, each naming the element. */
    public List<BpmnProblem> problems() {
        return problems;
    }
}
