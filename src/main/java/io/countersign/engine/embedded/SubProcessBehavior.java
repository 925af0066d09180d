package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Node;
import java.util.Map;

/**
 * Embedded sub-processes and the process itself: a scope that starts at its none start event,
 * completes when nothing inside is active, and terminates by terminating its children first.
 */
final class SubProcessBehavior extends FlowNodeBehavior {

    SubProcessBehavior(Behaviors b) {
        super(b);
    }

    @Override
    public void onActivated(ElementRow element, Node node) {
        b.transitions.activateNode(element, b.model(element).node(node.startNodeId()), Map.of());
    }

    @Override
    public void onTerminating(ElementRow element, Node node) {
        b.transitions.terminateChildren(element);
    }
}
