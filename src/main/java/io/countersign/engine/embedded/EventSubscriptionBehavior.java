package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Kind;
import io.countersign.engine.embedded.ProcessModel.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The event subscriptions an element owns while it is active: the timer or message of a catch
 * event, and those of the boundary events attached to an activity.
 */
final class EventSubscriptionBehavior {

    private final Behaviors b;

    EventSubscriptionBehavior(Behaviors b) {
        this.b = b;
    }

    /** Evaluates an event's timer or message and returns the writes that open its subscription for the owner. */
    Runnable prepare(ElementRow owner, Node event, Map<String, Object> vars) {
        return event.timer() != null ? b.timers.prepare(owner, event, vars) : b.messages.prepare(owner, event, vars);
    }

    /** The same for every boundary event attached to an activity. */
    List<Runnable> prepareBoundaries(ElementRow activity, Node node, Map<String, Object> vars) {
        List<Runnable> writes = new ArrayList<>();
        for (String id : node.boundaryIds()) {
            writes.add(prepare(activity, b.model(activity).node(id), vars));
        }
        return writes;
    }

    /** Closes an ending element's subscriptions. */
    void cleanup(ElementRow e) {
        // Only catch events and activities with boundary events ever own timers or message
        // subscriptions; skipping the two DELETEs for every other element saves two round
        // trips per ended element (14 of ~126 statements of a five-step instance, bench/engine.sh).
        Node n = b.model(e).nodes().get(e.elementId());
        if (n != null && n.kind() != Kind.INTERMEDIATE_CATCH_EVENT && n.boundaryIds().isEmpty()) {
            return;
        }
        b.store.deleteTimersOf(e.key());
        b.store.deleteSubscriptionsOf(e.key());
    }
}
