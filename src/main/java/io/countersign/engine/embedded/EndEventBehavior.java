package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.Step.Cmd;

/** End events: complete at once; a terminate end event first terminates everything else in its scope. */
final class EndEventBehavior extends PassThroughBehavior {

    EndEventBehavior(Behaviors b) {
        super(b);
    }

    @Override
    public void onActivated(ElementRow element, Node node) {
        if (node.terminate()) {
            long scopeKey = element.flowScopeKey();
            b.store.deleteJoins(scopeKey);
            for (ElementRow sibling : b.store.activeChildren(scopeKey)) {
                if (sibling.key() != element.key()) {
                    b.enqueue(Cmd.TERMINATE, sibling.key());
                }
            }
        }
        super.onActivated(element, node);
    }
}
