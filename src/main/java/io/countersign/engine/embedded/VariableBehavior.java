package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Mapping;
import io.countersign.engine.embedded.ProcessModel.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Variable scopes as Zeebe has them: visibility along the scope chain, propagation and ioMappings. */
final class VariableBehavior {

    private final EngineStore store;
    private final Feel feel;

    VariableBehavior(EngineStore store, Feel feel) {
        this.store = store;
        this.feel = feel;
    }

    /** Scope chain from the element up to the process, innermost first. */
    List<Long> scopeChain(long elementKey) {
        List<Long> chain = new ArrayList<>();
        long k = elementKey;
        while (k != -1) {
            chain.add(k);
            k = store.element(k).flowScopeKey();
        }
        return chain;
    }

    /** All variables visible from a scope: inner scopes shadow outer ones. */
    Map<String, Object> visible(long scopeKey) {
        List<Long> chain = scopeChain(scopeKey);
        Map<Long, Map<String, Object>> locals = store.locals(chain);
        Map<String, Object> vars = new HashMap<>();
        for (int i = chain.size() - 1; i >= 0; i--) {
            Map<String, Object> l = locals.get(chain.get(i));
            if (l != null) {
                vars.putAll(l);
            }
        }
        return vars;
    }

    /** One local of a scope, or null. */
    Object local(long scopeKey, String name) {
        return store.locals(List.of(scopeKey)).getOrDefault(scopeKey, Map.of()).get(name);
    }

    void setLocal(long scopeKey, long instanceKey, String name, Object value) {
        store.setLocal(scopeKey, instanceKey, name, value);
    }

    /** Zeebe's propagation: update the nearest scope that has the variable, else create it at the root. */
    void propagate(long fromScopeKey, long instanceKey, Map<String, Object> vars) {
        if (vars.isEmpty()) {
            return;
        }
        List<Long> chain = scopeChain(fromScopeKey);
        Map<Long, Map<String, Object>> locals = store.locals(chain);
        for (Map.Entry<String, Object> v : vars.entrySet()) {
            long target = instanceKey;
            for (Long scope : chain) {
                Map<String, Object> l = locals.get(scope);
                if (l != null && l.containsKey(v.getKey())) {
                    target = scope;
                    break;
                }
            }
            setLocal(target, instanceKey, v.getKey(), v.getValue());
        }
    }

    /** Variables from a job, user task or message: local when the element has outputs, else propagated. */
    void setEventVariables(ElementRow e, Node node, Map<String, Object> vars) {
        if (vars.isEmpty()) {
            return;
        }
        if (!node.outputs().isEmpty()) {
            vars.forEach((k, v) -> setLocal(e.key(), e.instanceKey(), k, v));
        } else {
            propagate(e.key(), e.instanceKey(), vars);
        }
    }

    /** Evaluates ioMapping entries in order; later entries see earlier targets. */
    Map<String, Object> evaluateMappings(List<Mapping> mappings, Map<String, Object> context, String errorType) {
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Object> ctx = new HashMap<>(context);
        for (Mapping m : mappings) {
            Object value = m.source().startsWith("=") ? feel.evaluate(m.source().substring(1), ctx, errorType)
                    : m.source();
            putPath(result, ctx, m.target().split("\\."), value);
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static void putPath(Map<String, Object> result, Map<String, Object> ctx, String[] path, Object value) {
        if (path.length == 1) {
            result.put(path[0], value);
            ctx.put(path[0], value);
            return;
        }
        Object existing = result.containsKey(path[0]) ? result.get(path[0]) : ctx.get(path[0]);
        Map<String, Object> root = existing instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m)
                : new LinkedHashMap<>();
        Map<String, Object> cur = root;
        for (int i = 1; i < path.length - 1; i++) {
            Object next = cur.get(path[i]);
            Map<String, Object> n = next instanceof Map<?, ?> nm ? new LinkedHashMap<>((Map<String, Object>) nm)
                    : new LinkedHashMap<>();
            cur.put(path[i], n);
            cur = n;
        }
        cur.put(path[path.length - 1], value);
        result.put(path[0], root);
        ctx.put(path[0], root);
    }
}
