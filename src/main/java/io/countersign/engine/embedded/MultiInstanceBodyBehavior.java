package io.countersign.engine.embedded;

import io.countersign.engine.embedded.Feel.EvaluationException;
import io.countersign.engine.embedded.ProcessModel.LoopDef;
import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.Step.Cmd;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of a multi-instance activity: one inner instance per item of the input collection,
 * all at once or one after the other, an optional completion condition that terminates the
 * rest, and an output collection filled by position as inner instances complete.
 */
final class MultiInstanceBodyBehavior extends FlowNodeBehavior {

    MultiInstanceBodyBehavior(Behaviors b) {
        super(b);
    }

    @Override
    public Runnable onActivating(ElementRow body, Node node, Map<String, Object> vars) {
        LoopDef loop = node.loop();
        Object collection = b.feel.value(loop.inputCollection(), vars, "EXTRACT_VALUE_ERROR");
        if (!(collection instanceof List<?> items)) {
            throw new EvaluationException("EXTRACT_VALUE_ERROR", "expected inputCollection '"
                    + loop.inputCollection() + "' to be a list, but it was " + Feel.describe(collection));
        }
        return () -> {
            Map<String, Object> pending = new LinkedHashMap<>();
            pending.put("items", items);
            ElementRow active = b.setPending(b.store.element(body.key()), Json.write(pending));
            if (loop.outputCollection() != null) {
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    out.add(null);
                }
                b.variables.setLocal(active.key(), active.instanceKey(), loop.outputCollection(), out);
            }
        };
    }

    @Override
    public void onActivated(ElementRow body, Node node) {
        List<Object> items = items(body);
        if (items.isEmpty()) {
            b.enqueue(Cmd.COMPLETE, body.key());
            return;
        }
        int first = node.loop().sequential() ? 1 : items.size();
        for (int i = 0; i < first; i++) {
            createInner(body, node, items, i);
        }
    }

    @Override
    public void onTerminating(ElementRow body, Node node) {
        b.transitions.terminateChildren(body);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> items(ElementRow body) {
        return (List<Object>) ((Map<String, Object>) Json.read(body.pending())).get("items");
    }

    private void createInner(ElementRow body, Node node, List<Object> items, int index) {
        ElementRow inner = b.store.insertElement(new ElementRow(b.store.nextKey(), body.instanceKey(), body.key(),
                node.id(), node.kind().name(), "ACTIVATING", index + 1, null));
        b.setLoopCounter(body, index + 1);
        if (node.loop().inputElement() != null) {
            b.variables.setLocal(inner.key(), inner.instanceKey(), node.loop().inputElement(), items.get(index));
        }
        b.variables.setLocal(inner.key(), inner.instanceKey(), "loopCounter", index + 1);
        b.enqueue(Cmd.ACTIVATE, inner.key());
    }

    /** An inner instance ended: check the completion condition, start the next one, or complete. */
    @Override
    @SuppressWarnings("unchecked")
    public void onChildEnded(ElementRow body, Node node) {
        List<ElementRow> active = b.store.activeChildren(body.key());
        Map<String, Object> pending = (Map<String, Object>) Json.read(body.pending());
        List<Object> items = (List<Object>) pending.get("items");
        boolean conditionMet = Boolean.TRUE.equals(pending.get("conditionMet"));
        if (!conditionMet && node.loop().completionCondition() != null) {
            long completed = b.store.completedChildren(body.key());
            Map<String, Object> vars = b.variables.visible(body.key());
            vars.put("numberOfInstances", items.size());
            vars.put("numberOfActiveInstances", active.size());
            vars.put("numberOfCompletedInstances", completed);
            try {
                conditionMet = b.feel.condition(node.loop().completionCondition(), vars);
            } catch (EvaluationException ex) {
                b.incident(body, ex.errorType, ex.getMessage(), null);
                return;
            }
            if (conditionMet) {
                pending.put("conditionMet", true);
                body = b.setPending(body, Json.write(pending));
                for (ElementRow a : active) {
                    b.enqueue(Cmd.TERMINATE, a.key());
                }
            }
        }
        if (!active.isEmpty()) {
            return;
        }
        if (!conditionMet && node.loop().sequential() && body.loopCounter() < items.size()) {
            createInner(body, node, items, body.loopCounter());
            return;
        }
        b.enqueue(Cmd.COMPLETE, body.key());
    }

    /**
     * Completion of the body or of an inner instance, before anything is written: an inner
     * instance evaluates its output element; the returned writes put it into the body's output
     * collection, or for the body hand the collection to the enclosing scope.
     */
    @SuppressWarnings("unchecked")
    Runnable onLoopCompleting(ElementRow e, Node node, Map<String, Object> vars) {
        String outputCollection = node.loop().outputCollection();
        if (outputCollection == null) {
            return NO_WRITES;
        }
        if (e.isBody()) {
            return () -> {
                Object collection = b.variables.local(e.key(), outputCollection);
                b.variables.propagate(e.flowScopeKey(), e.instanceKey(), Map.of(outputCollection,
                        collection == null ? List.of() : collection));
            };
        }
        Object outputElement = node.loop().outputElement() == null ? null
                : b.feel.value(node.loop().outputElement(), new HashMap<>(vars), "EXTRACT_VALUE_ERROR");
        return () -> {
            long bodyKey = e.flowScopeKey();
            Object current = b.variables.local(bodyKey, outputCollection);
            List<Object> list = current instanceof List<?> l ? new ArrayList<>((List<Object>) l) : new ArrayList<>();
            while (list.size() < e.loopCounter()) {
                list.add(null);
            }
            list.set(e.loopCounter() - 1, outputElement);
            b.variables.setLocal(bodyKey, e.instanceKey(), outputCollection, list);
        };
    }
}
