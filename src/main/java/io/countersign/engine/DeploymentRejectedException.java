package io.countersign.engine;

import io.countersign.common.DomainException;
import java.util.List;
import java.util.stream.Collectors;

/** A deployment refused as a whole: invalid BPMN or constructs outside the engine's subset. */
public class DeploymentRejectedException extends DomainException {

    private final List<BpmnProblem> problems;

    public DeploymentRejectedException(List<BpmnProblem> problems) {
        super(Kind.REJECTED, "bpmn-rejected", "BPMN deployment rejected",
                problems.stream().map(BpmnProblem::toString).collect(Collectors.joining("; ")),
                problems.stream().map(p -> new Detail(p.resourceName() + "#" + p.elementId(), p.reason())).toList(),
                null);
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, each naming the element. */
    public List<BpmnProblem> problems() {
        return problems;
    }
}
