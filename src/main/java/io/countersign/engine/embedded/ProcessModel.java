package io.countersign.engine.embedded;

import io.countersign.engine.ListenerEventType;
import java.util.List;
import java.util.Map;

/** The executable form of one deployed process version: its nodes by id, immutable. */
record ProcessModel(long processDefinitionKey, String bpmnProcessId, int version, String startNodeId,
        Map<String, Node> nodes) {

    ProcessModel withIdentity(long key, int newVersion) {
        return new ProcessModel(key, bpmnProcessId, newVersion, startNodeId, nodes);
    }

    Node node(String id) {
        Node n = nodes.get(id);
        if (n == null) {
            throw new IllegalStateException("no element " + id + " in " + bpmnProcessId + " v" + version);
        }
        return n;
    }

    /** True when a parallel gateway joins flows (only then can tokens wait in engine_join). */
    boolean hasJoins() {
        for (Node n : nodes.values()) {
            if (n.kind() == Kind.PARALLEL_GATEWAY && n.incomingCount() > 1) {
                return true;
            }
        }
        return false;
    }

    /** Node kinds, named as Zeebe's BpmnElementType. */
    enum Kind {
        PROCESS, START_EVENT, END_EVENT, INTERMEDIATE_CATCH_EVENT, INTERMEDIATE_THROW_EVENT, BOUNDARY_EVENT,
        SERVICE_TASK, USER_TASK, TASK, MANUAL_TASK, EXCLUSIVE_GATEWAY, PARALLEL_GATEWAY, SUB_PROCESS
    }

    /** A sequence flow; {@code condition} is a FEEL expression without '=' or null. */
    record Flow(String id, String targetId, String condition) {
    }

    /** An ioMapping entry: FEEL source (or static) and target variable path. */
    record Mapping(String source, String target) {
    }

    /** A timer definition: kind DURATION, DATE or CYCLE with its (maybe FEEL) text. */
    record TimerDef(String kind, String expression) {
    }

    /** A message subscription definition: message name and correlation key, static or FEEL. */
    record MessageDef(String name, String correlationKey) {
    }

    /** A zeebe:taskListener. */
    record Listener(ListenerEventType eventType, String type, String retries) {
    }

    /** zeebe:loopCharacteristics of a multi-instance task. */
    record LoopDef(boolean sequential, String inputCollection, String inputElement, String outputCollection,
            String outputElement, String completionCondition) {
    }

    /** User-task specifics. */
    record UserTaskDef(String assignee, String candidateGroups, String candidateUsers, String dueDate,
            List<Listener> listeners) {

        List<Listener> listeners(ListenerEventType event) {
            return listeners.stream().filter(l -> l.eventType() == event).toList();
        }
    }

    /**
     * One flow node (or the process itself). Only the fields that apply to its kind are set.
     *
     * @param scopeId id of the enclosing sub-process or process
     * @param startNodeId for PROCESS and SUB_PROCESS: the none start event inside
     */
    record Node(String id, Kind kind, String scopeId, List<Flow> outgoing, int incomingCount, String defaultFlowId,
            List<Mapping> inputs, List<Mapping> outputs, String jobType, String jobRetries,
            Map<String, String> headers, UserTaskDef userTask, TimerDef timer, MessageDef message,
            boolean terminate, String attachedToId, boolean cancelActivity, List<String> boundaryIds,
            LoopDef loop, String startNodeId) {
    }
}
