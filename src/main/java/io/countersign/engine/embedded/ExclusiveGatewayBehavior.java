package io.countersign.engine.embedded;

import io.countersign.engine.embedded.Feel.EvaluationException;
import io.countersign.engine.embedded.ProcessModel.Flow;
import io.countersign.engine.embedded.ProcessModel.Node;
import java.util.List;
import java.util.Map;

/** Exclusive gateways: pass at once and take the first flow whose condition holds, else the default flow. */
final class ExclusiveGatewayBehavior extends PassThroughBehavior {

    ExclusiveGatewayBehavior(Behaviors b) {
        super(b);
    }

    @Override
    public List<Flow> outgoingFlows(ElementRow element, Node node, Map<String, Object> variables) {
        if (node.outgoing().size() <= 1 && node.outgoing().stream().allMatch(f -> f.condition() == null)) {
            return node.outgoing();
        }
        Flow defaultFlow = null;
        for (Flow f : node.outgoing()) {
            if (f.id().equals(node.defaultFlowId())) {
                defaultFlow = f;
                continue;
            }
            if (f.condition() != null && b.feel.condition(f.condition(), variables)) {
                return List.of(f);
            }
        }
        if (defaultFlow != null) {
            return List.of(defaultFlow);
        }
        throw new EvaluationException("CONDITION_ERROR", "Expected at least one condition to evaluate to true, "
                + "or to have a default flow (gateway '" + node.id() + "')");
    }
}
