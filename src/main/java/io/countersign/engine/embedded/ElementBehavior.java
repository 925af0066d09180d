package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Flow;
import io.countersign.engine.embedded.ProcessModel.Node;
import java.util.List;
import java.util.Map;

/**
 * What one kind of BPMN element does in each phase of its lifecycle, after the way Zeebe's
 * {@code BpmnElementProcessor}s are built. {@link TransitionBehavior} moves an element through
 * its states (ACTIVATING, ACTIVATED, COMPLETING, COMPLETED, TERMINATING, TERMINATED) and calls
 * these at each step; an implementation reaches state only through {@link Behaviors}, never
 * through the database.
 *
 * <p>Phases that end in "ing" only evaluate: they may throw {@link Feel.EvaluationException}
 * (which becomes an incident and leaves the element where it was), so they write nothing and
 * return what to write instead.
 */
interface ElementBehavior {

    /** No writes. */
    Runnable NO_WRITES = () -> { };

    /**
     * Activation, before anything is written: evaluates the element's own expressions with the
     * variables of its scope (input mappings applied) and returns the writes to make once the
     * element is ACTIVATED.
     */
    default Runnable onActivating(ElementRow element, Node node, Map<String, Object> variables) {
        return NO_WRITES;
    }

    /** The element is ACTIVATED: complete it at once, activate what it contains, or wait for its trigger. */
    void onActivated(ElementRow element, Node node);

    /** Completion, before anything is written: the sequence flows to take (every outgoing flow unless the kind chooses). */
    default List<Flow> outgoingFlows(ElementRow element, Node node, Map<String, Object> variables) {
        return node.outgoing();
    }

    /** The element is TERMINATING: end it now, or start what ends it later (its children, canceling listeners). */
    void onTerminating(ElementRow element, Node node);

    /** A child of this ACTIVATED element ended. */
    void onChildEnded(ElementRow scope, Node node);
}
