package io.countersign.engine.embedded;

import io.camunda.zeebe.model.bpmn.instance.BoundaryEvent;
import io.camunda.zeebe.model.bpmn.instance.BusinessRuleTask;
import io.camunda.zeebe.model.bpmn.instance.CallActivity;
import io.camunda.zeebe.model.bpmn.instance.CompensateEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.ComplexGateway;
import io.camunda.zeebe.model.bpmn.instance.ConditionalEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.EndEvent;
import io.camunda.zeebe.model.bpmn.instance.ErrorEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.EscalationEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.EventBasedGateway;
import io.camunda.zeebe.model.bpmn.instance.EventDefinition;
import io.camunda.zeebe.model.bpmn.instance.ExclusiveGateway;
import io.camunda.zeebe.model.bpmn.instance.FlowNode;
import io.camunda.zeebe.model.bpmn.instance.InclusiveGateway;
import io.camunda.zeebe.model.bpmn.instance.IntermediateCatchEvent;
import io.camunda.zeebe.model.bpmn.instance.IntermediateThrowEvent;
import io.camunda.zeebe.model.bpmn.instance.LinkEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.ManualTask;
import io.camunda.zeebe.model.bpmn.instance.MessageEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.ParallelGateway;
import io.camunda.zeebe.model.bpmn.instance.ReceiveTask;
import io.camunda.zeebe.model.bpmn.instance.ScriptTask;
import io.camunda.zeebe.model.bpmn.instance.SendTask;
import io.camunda.zeebe.model.bpmn.instance.ServiceTask;
import io.camunda.zeebe.model.bpmn.instance.SignalEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.StartEvent;
import io.camunda.zeebe.model.bpmn.instance.SubProcess;
import io.camunda.zeebe.model.bpmn.instance.Task;
import io.camunda.zeebe.model.bpmn.instance.TerminateEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.TimerEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.Transaction;
import io.camunda.zeebe.model.bpmn.instance.UserTask;
import io.countersign.engine.embedded.ProcessModel.Kind;
import java.util.function.Consumer;

/** Which BPMN flow nodes the embedded engine executes, as which {@link Kind}, and how it names what it refuses. */
final class BpmnKinds {

    private BpmnKinds() {
    }

    /** The engine's kind of a flow node, or null after telling {@code refuse} why it is not supported. */
    static Kind of(FlowNode fn, Consumer<String> refuse) {
        // Order matters: specific task types extend Task.
        if (fn instanceof ScriptTask) {
            refuse.accept("script task is not supported by the embedded engine");
        } else if (fn instanceof BusinessRuleTask) {
            refuse.accept("business rule task is not supported by the embedded engine");
        } else if (fn instanceof SendTask) {
            refuse.accept("send task is not supported by the embedded engine");
        } else if (fn instanceof ReceiveTask) {
            refuse.accept("receive task is not supported by the embedded engine (use a message intermediate catch event)");
        } else if (fn instanceof CallActivity) {
            refuse.accept("call activity is not supported by the embedded engine");
        } else if (fn instanceof InclusiveGateway) {
            refuse.accept("inclusive gateway is not supported by the embedded engine");
        } else if (fn instanceof EventBasedGateway) {
            refuse.accept("event-based gateway is not supported by the embedded engine");
        } else if (fn instanceof ComplexGateway) {
            refuse.accept("complex gateway is not supported by the embedded engine");
        } else if (fn instanceof Transaction) {
            refuse.accept("transaction sub-process is not supported by the embedded engine");
        } else if (fn instanceof ServiceTask) {
            return Kind.SERVICE_TASK;
        } else if (fn instanceof UserTask) {
            return Kind.USER_TASK;
        } else if (fn instanceof ManualTask) {
            return Kind.MANUAL_TASK;
        } else if (fn instanceof SubProcess sp) {
            if (sp.triggeredByEvent()) {
                refuse.accept("event sub-process is not supported by the embedded engine");
            } else if (!"subProcess".equals(sp.getElementType().getTypeName())) {
                refuse.accept(sp.getElementType().getTypeName() + " is not supported by the embedded engine");
            } else {
                return Kind.SUB_PROCESS;
            }
        } else if (fn instanceof Task) {
            if (!"task".equals(fn.getElementType().getTypeName())) {
                refuse.accept(fn.getElementType().getTypeName() + " is not supported by the embedded engine");
                return null;
            }
            return Kind.TASK;
        } else if (fn instanceof ExclusiveGateway) {
            return Kind.EXCLUSIVE_GATEWAY;
        } else if (fn instanceof ParallelGateway) {
            return Kind.PARALLEL_GATEWAY;
        } else if (fn instanceof StartEvent) {
            return Kind.START_EVENT;
        } else if (fn instanceof EndEvent) {
            return Kind.END_EVENT;
        } else if (fn instanceof BoundaryEvent) {
            return Kind.BOUNDARY_EVENT;
        } else if (fn instanceof IntermediateCatchEvent) {
            return Kind.INTERMEDIATE_CATCH_EVENT;
        } else if (fn instanceof IntermediateThrowEvent) {
            return Kind.INTERMEDIATE_THROW_EVENT;
        } else {
            refuse.accept(fn.getElementType().getTypeName() + " is not supported by the embedded engine");
        }
        return null;
    }

    /** How an event definition is named in a refusal. */
    static String describe(EventDefinition def) {
        if (def instanceof SignalEventDefinition) {
            return "signal event definition";
        } else if (def instanceof EscalationEventDefinition) {
            return "escalation event definition";
        } else if (def instanceof CompensateEventDefinition) {
            return "compensation event definition";
        } else if (def instanceof ErrorEventDefinition) {
            return "error event definition";
        } else if (def instanceof ConditionalEventDefinition) {
            return "conditional event definition";
        } else if (def instanceof LinkEventDefinition) {
            return "link event definition";
        } else if (def instanceof TimerEventDefinition) {
            return "timer event definition";
        } else if (def instanceof MessageEventDefinition) {
            return "message event definition";
        } else if (def instanceof TerminateEventDefinition) {
            return "terminate event definition";
        }
        return def.getElementType().getTypeName();
    }
}
