package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Flow;
import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.Step.Cmd;

/**
 * Parallel gateways: fork by taking every outgoing flow; a joining gateway is activated only
 * when a token has arrived on each incoming flow (tokens wait in the store, per flow scope).
 */
final class ParallelGatewayBehavior extends FlowNodeBehavior {

    ParallelGatewayBehavior(Behaviors b) {
        super(b);
    }

    @Override
    public void onActivated(ElementRow element, Node node) {
        b.enqueue(Cmd.COMPLETE, element.key());
    }

    /** Counts a token arriving at a joining gateway; true when it completes the join (one token per flow is used). */
    boolean join(ElementRow scope, Flow flow, Node gateway) {
        long arrived = b.store.arriveAtJoin(scope.key(), gateway.id(), flow.id(), scope.instanceKey());
        if (arrived < gateway.incomingCount()) {
            return false;
        }
        b.store.consumeJoin(scope.key(), gateway.id());
        return true;
    }
}
