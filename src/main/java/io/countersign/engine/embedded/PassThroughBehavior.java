package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.Step.Cmd;

/** None start events, none intermediate throw events, tasks and manual tasks: complete as soon as they are active. */
final class PassThroughBehavior extends FlowNodeBehavior {

    PassThroughBehavior(Behaviors b) {
        super(b);
    }

    @Override
    public void onActivated(ElementRow element, Node node) {
        b.enqueue(Cmd.COMPLETE, element.key());
    }
}
