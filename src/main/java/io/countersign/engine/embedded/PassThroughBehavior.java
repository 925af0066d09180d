package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.Step.Cmd;

/**
 * Elements that complete as soon as they are active: none start events, none intermediate
 * throw events, tasks and manual tasks; gateways, boundary and end events build on it.
 */
class PassThroughBehavior extends FlowNodeBehavior {

    PassThroughBehavior(Behaviors b) {
        super(b);
    }

    @Override
    public void onActivated(ElementRow element, Node node) {
        b.enqueue(Cmd.COMPLETE, element.key());
    }
}
