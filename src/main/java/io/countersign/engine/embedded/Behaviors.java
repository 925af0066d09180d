package io.countersign.engine.embedded;

import io.countersign.engine.embedded.ProcessModel.Kind;
import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.Step.Cmd;
import io.quarkus.logging.Log;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * One step's shared behaviours (Zeebe's {@code BpmnBehaviors}) and the element behaviour of
 * each kind. Built per step: every behaviour works on the step's {@link EngineStore}.
 */
final class Behaviors {

    final EngineStore store;
    final Feel feel;
    final OffsetDateTime now;
    final VariableBehavior variables;
    final JobBehavior jobs;
    final TransitionBehavior transitions;
    final EventSubscriptionBehavior events;
    final TimerEvents timers;
    final MessageEvents messages;
    final UserTaskLifecycle userTasks;
    final BoundaryEventBehavior boundaries;
    final ParallelGatewayBehavior parallelGateways;
    final MultiInstanceBodyBehavior multiInstance;

    private final Step step;
    private final ProcessDefinitions definitions;
    private final Map<Kind, ElementBehavior> byKind = new EnumMap<>(Kind.class);
    /** The process model of each instance this step touches. */
    private final Map<Long, ProcessModel> instanceModels = new HashMap<>();

    Behaviors(Step step, EngineStore store, ProcessDefinitions definitions, EngineSignals signals, OffsetDateTime now) {
        this.step = step;
        this.store = store;
        this.definitions = definitions;
        this.feel = definitions.feel();
        this.now = now;
        this.variables = new VariableBehavior(store, feel);
        this.jobs = new JobBehavior(this, signals);
        this.transitions = new TransitionBehavior(this);
        this.timers = new TimerEvents(this, signals);
        this.messages = new MessageEvents(this);
        this.events = new EventSubscriptionBehavior(this);
        this.userTasks = new UserTaskLifecycle(this);
        this.boundaries = new BoundaryEventBehavior(this);
        this.parallelGateways = new ParallelGatewayBehavior(this);
        this.multiInstance = new MultiInstanceBodyBehavior(this);
        ElementBehavior scope = new SubProcessBehavior(this);
        ElementBehavior passThrough = new PassThroughBehavior(this);
        byKind.put(Kind.PROCESS, scope);
        byKind.put(Kind.SUB_PROCESS, scope);
        byKind.put(Kind.START_EVENT, passThrough);
        byKind.put(Kind.INTERMEDIATE_THROW_EVENT, passThrough);
        byKind.put(Kind.TASK, passThrough);
        byKind.put(Kind.MANUAL_TASK, passThrough);
        byKind.put(Kind.END_EVENT, new EndEventBehavior(this));
        byKind.put(Kind.EXCLUSIVE_GATEWAY, new ExclusiveGatewayBehavior(this));
        byKind.put(Kind.PARALLEL_GATEWAY, parallelGateways);
        byKind.put(Kind.BOUNDARY_EVENT, boundaries);
        byKind.put(Kind.INTERMEDIATE_CATCH_EVENT, new IntermediateCatchEventBehavior(this));
        byKind.put(Kind.SERVICE_TASK, new ServiceTaskBehavior(this));
        byKind.put(Kind.USER_TASK, new UserTaskBehavior(this));
    }

    /** The behaviour of an element instance: its kind's, or the multi-instance body's. */
    ElementBehavior of(ElementRow e) {
        return e.isBody() ? multiInstance : byKind.get(Kind.valueOf(e.type()));
    }

    void enqueue(Cmd cmd, long elementKey) {
        step.enqueue(cmd, elementKey);
    }

    /** Remembers the model of an instance this step has locked. */
    void knowInstance(InstanceRow i) {
        instanceModels.computeIfAbsent(i.key(), k -> definitions.model(store, i.processKey()));
    }

    void knowInstance(long instanceKey, ProcessModel model) {
        instanceModels.put(instanceKey, model);
    }

    ProcessModel model(ElementRow e) {
        ProcessModel m = instanceModels.get(e.instanceKey());
        if (m == null) {
            m = definitions.model(store, store.processKeyOf(e.instanceKey()));
            instanceModels.put(e.instanceKey(), m);
        }
        return m;
    }

    Node node(ElementRow e) {
        return model(e).node(e.elementId());
    }

    ElementRow setState(ElementRow e, String state) {
        return store.update(e.withState(state));
    }

    ElementRow setPending(ElementRow e, String pending) {
        return store.update(e.withPending(pending));
    }

    ElementRow setLoopCounter(ElementRow e, int counter) {
        return store.update(e.withLoopCounter(counter));
    }

    void incident(ElementRow e, String type, String message, Long jobKey) {
        long key = store.nextKey();
        store.insertIncident(key, e, type, message, jobKey, now);
        Log.debugf("incident %d on %s (%s): %s", key, e.elementId(), type, message);
    }
}
