package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.Step.Cmd;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Boundary events (timer and message): triggered on their activity, an interrupting one
 * terminates the activity and is activated once it has ended; a non-interrupting one is
 * activated next to it at once. Once active, a boundary event completes and takes its flows.
 */
final class BoundaryEventBehavior extends PassThroughBehavior {

    BoundaryEventBehavior(Behaviors b) {
        super(b);
    }

    /** Triggers a boundary event of an activity; false when the activity is no longer active. */
    boolean trigger(ElementRow activity, Node boundary, Map<String, Object> vars) {
        if (!"ACTIVATED".equals(activity.state())) {
            return false;
        }
        if (boundary.cancelActivity()) {
            Map<String, Object> pending = new LinkedHashMap<>();
            pending.put("boundary", boundary.id());
            pending.put("variables", vars);
            b.setPending(activity, Json.write(pending));
            b.enqueue(Cmd.TERMINATE, activity.key());
        } else {
            b.transitions.activateNode(b.store.element(activity.flowScopeKey()), boundary, vars);
        }
        return true;
    }

    /** After an activity ended by termination: activates the interrupting boundary event that ended it, if any. */
    @SuppressWarnings("unchecked")
    void activateAfterInterrupt(ElementRow activity, ElementRow scope, String pending) {
        Map<String, Object> p = (Map<String, Object>) Json.read(pending);
        if (p.containsKey("boundary") && "ACTIVATED".equals(scope.state())) {
            Node boundary = b.model(activity).node((String) p.get("boundary"));
            b.transitions.activateNode(scope, boundary, (Map<String, Object>) p.getOrDefault("variables", Map.of()));
        }
    }
}
