package io.countersign.engine.embedded;

/**
 * One element instance as the engine holds it in a step ({@code engine_element}).
 *
 * @param type the element's kind name, {@code PROCESS}, or {@link EngineCore#BODY} for a multi-instance body
 * @param pending JSON of work waiting on termination (an interrupting boundary event) or a body's items
 */
record ElementRow(long key, long instanceKey, long flowScopeKey, String elementId, String type, String state,
        int loopCounter, String pending) {

    boolean ended() {
        return "COMPLETED".equals(state) || "TERMINATED".equals(state);
    }

    boolean isProcess() {
        return "PROCESS".equals(type);
    }

    boolean isBody() {
        return EngineCore.BODY.equals(type);
    }

    /** This row in another state; an ended element keeps no pending work. */
    ElementRow withState(String newState) {
        ElementRow n = new ElementRow(key, instanceKey, flowScopeKey, elementId, type, newState, loopCounter, pending);
        return n.ended() ? n.withPending(null) : n;
    }

    ElementRow withPending(String newPending) {
        return new ElementRow(key, instanceKey, flowScopeKey, elementId, type, state, loopCounter, newPending);
    }

    ElementRow withLoopCounter(int counter) {
        return new ElementRow(key, instanceKey, flowScopeKey, elementId, type, state, counter, pending);
    }
}
