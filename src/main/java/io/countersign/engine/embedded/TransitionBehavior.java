package io.countersign.engine.embedded;

import io.countersign.engine.embedded.Feel.EvaluationException;
import io.countersign.engine.embedded.ProcessModel.Flow;
import io.countersign.engine.embedded.ProcessModel.Kind;
import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.Step.Cmd;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves element instances through their lifecycle (Zeebe's state transition behaviour) and
 * calls the element's behaviour at each phase: what every element kind has in common, such as
 * input and output mappings, boundary events, taking sequence flows and ending in the scope.
 * Each phase evaluates everything that can fail before it writes anything, so an incident
 * leaves the element where it was and resolving it runs the phase again.
 */
final class TransitionBehavior {

    private final Behaviors b;

    TransitionBehavior(Behaviors b) {
        this.b = b;
    }

    /** Creates an element instance of a node in a scope and queues its activation. */
    ElementRow activateNode(ElementRow scope, Node node, Map<String, Object> eventVariables) {
        String type = node.loop() != null ? EngineCore.BODY : node.kind().name();
        ElementRow e = b.store.insertElement(new ElementRow(b.store.nextKey(), scope.instanceKey(), scope.key(),
                node.id(), type, "ACTIVATING", 0, null));
        if (!eventVariables.isEmpty()) {
            b.variables.setEventVariables(e, node, eventVariables);
        }
        b.enqueue(Cmd.ACTIVATE, e.key());
        return e;
    }

    // ---------------------------------------------------------------- activation

    void activate(ElementRow e) {
        if (!"ACTIVATING".equals(e.state())) {
            return;
        }
        Node node = b.node(e);
        orIncident(e, () -> activate(e, node, b.of(e)));
    }

    /** Runs a phase; when an evaluation fails, the element gets an incident instead (and the phase wrote nothing). */
    private void orIncident(ElementRow e, Runnable phase) {
        try {
            phase.run();
        } catch (EvaluationException ex) {
            b.incident(e, ex.errorType, ex.getMessage(), null);
        }
    }

    private void activate(ElementRow e, Node node, ElementBehavior behavior) {
        Map<String, Object> vars = b.variables.visible(e.key());
        // A multi-instance body maps nothing itself: its node's inputs apply to each inner instance.
        Map<String, Object> inputs = e.isBody() ? Map.of()
                : b.variables.evaluateMappings(node.inputs(), vars, "IO_MAPPING_ERROR");
        Map<String, Object> scopeVars = new HashMap<>(vars);
        scopeVars.putAll(inputs);
        Runnable kindWrites = behavior.onActivating(e, node, scopeVars);
        // Boundary events belong to the body of a multi-instance activity, not to its inner instances.
        List<Runnable> boundaryWrites = e.isBody() || node.loop() == null
                ? b.events.prepareBoundaries(e, node, scopeVars) : List.of();
        inputs.forEach((k, v) -> b.variables.setLocal(e.key(), e.instanceKey(), k, v));
        b.setState(e, "ACTIVATED");
        kindWrites.run();
        // As the element's own writes left it: a boundary event triggered at once by a buffered
        // message changes the row below, and the queued termination deals with that.
        ElementRow active = b.store.element(e.key());
        boundaryWrites.forEach(Runnable::run);
        behavior.onActivated(active, node);
    }

    // ---------------------------------------------------------------- completion

    void complete(ElementRow e) {
        if (!"ACTIVATED".equals(e.state()) && !"COMPLETING".equals(e.state())) {
            return;
        }
        ElementRow completing = "ACTIVATED".equals(e.state()) ? b.setState(e, "COMPLETING") : e;
        Node node = b.node(completing);
        orIncident(completing, () -> complete(completing, node, b.of(completing)));
    }

    private void complete(ElementRow e, Node node, ElementBehavior behavior) {
        boolean inner = !e.isBody() && node.loop() != null;
        Map<String, Object> vars = b.variables.visible(e.key());
        Map<String, Object> outputs = e.isBody() ? Map.of()
                : b.variables.evaluateMappings(node.outputs(), vars, "IO_MAPPING_ERROR");
        Runnable loopWrites = node.loop() == null ? ElementBehavior.NO_WRITES
                : b.multiInstance.onLoopCompleting(e, node, vars);
        // An inner instance of a multi-instance activity ends in its body, which takes the flows.
        List<Flow> flows = inner ? List.of() : behavior.outgoingFlows(e, node, vars);
        // Writes only from here on.
        loopWrites.run();
        if (!outputs.isEmpty()) {
            b.variables.propagate(e.flowScopeKey(), e.instanceKey(), outputs);
        }
        b.events.cleanup(e);
        if (!e.isProcess()) {
            b.store.deleteLocals(e.key());
        }
        ElementRow done = b.setState(e, "COMPLETED");
        if (done.isProcess()) {
            b.store.endInstance(e.instanceKey(), "COMPLETED", b.now);
            return;
        }
        ElementRow scope = b.store.element(done.flowScopeKey());
        for (Flow f : flows) {
            takeFlow(scope, f);
        }
        b.enqueue(Cmd.CHILD_ENDED, scope.key());
    }

    private void takeFlow(ElementRow scope, Flow flow) {
        Node target = b.model(scope).node(flow.targetId());
        if (target.kind() == Kind.PARALLEL_GATEWAY && target.incomingCount() > 1
                && !b.parallelGateways.join(scope, flow, target)) {
            return;
        }
        activateNode(scope, target, Map.of());
    }

    /** Completes a scope once nothing inside it is active and no token waits at a join. */
    void completeWhenIdle(ElementRow scope) {
        if (!b.store.hasActiveChild(scope.key())
                && (!b.model(scope).hasJoins() || !b.store.hasJoinTokens(scope.key()))) {
            b.enqueue(Cmd.COMPLETE, scope.key());
        }
    }

    void childEnded(ElementRow scope) {
        if (scope.ended()) {
            return;
        }
        if ("TERMINATING".equals(scope.state())) {
            if (b.store.activeChildren(scope.key()).isEmpty()) {
                finishTermination(scope);
            }
            return;
        }
        if (!"ACTIVATED".equals(scope.state())) {
            return;
        }
        b.of(scope).onChildEnded(scope, b.node(scope));
    }

    // ---------------------------------------------------------------- termination

    void terminate(ElementRow e) {
        if (e.ended() || "TERMINATING".equals(e.state())) {
            return;
        }
        e = b.setState(e, "TERMINATING");
        b.events.cleanup(e);
        b.store.deleteIncidentsOf(e.key());
        b.store.deleteJoins(e.key());
        b.of(e).onTerminating(e, b.node(e));
    }

    /** Terminates a scope's active children, or the scope itself when none is left. */
    void terminateChildren(ElementRow scope) {
        List<ElementRow> children = b.store.activeChildren(scope.key());
        if (children.isEmpty()) {
            finishTermination(scope);
        } else {
            children.forEach(c -> b.enqueue(Cmd.TERMINATE, c.key()));
        }
    }

    void finishTermination(ElementRow e) {
        String pending = e.pending();
        b.store.deleteUserTasksOf(e.key());
        b.store.deleteJobsOf(e.key());
        if (!e.isProcess()) {
            b.store.deleteLocals(e.key());
        }
        ElementRow done = b.setState(e, "TERMINATED");
        if (done.isProcess()) {
            b.store.endInstance(e.instanceKey(), "TERMINATED", b.now);
            b.store.deleteIncidentsOfInstance(e.instanceKey());
            return;
        }
        ElementRow scope = b.store.element(done.flowScopeKey());
        if (pending != null) {
            b.boundaries.activateAfterInterrupt(e, scope, pending);
        }
        b.enqueue(Cmd.CHILD_ENDED, scope.key());
    }
}
