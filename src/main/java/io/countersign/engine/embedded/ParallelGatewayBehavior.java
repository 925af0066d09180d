package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Flow;
import io.countersign.engine.embedded.ProcessModel.Node;

/**
 * Parallel gateways: fork by taking every outgoing flow; a joining gateway is activated only
 * when a token has arrived on each incoming flow (tokens wait in the store, per flow scope).
 */
final class ParallelGatewayBehavior extends PassThroughBehavior {

    ParallelGatewayBehavior(Behaviors b) {
        super(b);
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
