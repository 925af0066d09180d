package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Node;

/** The defaults most element kinds share: nothing inside to wait for, and termination at once. */
abstract class FlowNodeBehavior implements ElementBehavior {

    protected final Behaviors b;

    FlowNodeBehavior(Behaviors b) {
        this.b = b;
    }

    @Override
    public void onTerminating(ElementRow element, Node node) {
        b.store.deleteJobsOf(element.key());
        b.transitions.finishTermination(element);
    }

    @Override
    public void onChildEnded(ElementRow scope, Node node) {
        b.transitions.completeWhenIdle(scope);
    }
}
