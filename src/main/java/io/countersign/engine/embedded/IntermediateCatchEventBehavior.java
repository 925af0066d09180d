package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Node;
import java.util.Map;

/** Timer and message intermediate catch events: open their subscription and wait for it to trigger. */
final class IntermediateCatchEventBehavior extends FlowNodeBehavior {

    IntermediateCatchEventBehavior(Behaviors b) {
        super(b);
    }

    @Override
    public Runnable onActivating(ElementRow element, Node node, Map<String, Object> variables) {
        return b.events.prepare(element, node, variables);
    }

    @Override
    public void onActivated(ElementRow element, Node node) {
        // waits: TimerEvents or MessageEvents completes it
    }
}
