package io.countersign.engine.embedded;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.Activity;
import io.camunda.zeebe.model.bpmn.instance.BaseElement;
import io.camunda.zeebe.model.bpmn.instance.BoundaryEvent;
import io.camunda.zeebe.model.bpmn.instance.CatchEvent;
import io.camunda.zeebe.model.bpmn.instance.EndEvent;
import io.camunda.zeebe.model.bpmn.instance.Event;
import io.camunda.zeebe.model.bpmn.instance.EventDefinition;
import io.camunda.zeebe.model.bpmn.instance.ExclusiveGateway;
import io.camunda.zeebe.model.bpmn.instance.ExtensionElements;
import io.camunda.zeebe.model.bpmn.instance.FlowElement;
import io.camunda.zeebe.model.bpmn.instance.FlowNode;
import io.camunda.zeebe.model.bpmn.instance.IntermediateThrowEvent;
import io.camunda.zeebe.model.bpmn.instance.LoopCharacteristics;
import io.camunda.zeebe.model.bpmn.instance.MessageEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.MultiInstanceLoopCharacteristics;
import io.camunda.zeebe.model.bpmn.instance.Process;
import io.camunda.zeebe.model.bpmn.instance.SequenceFlow;
import io.camunda.zeebe.model.bpmn.instance.SubProcess;
import io.camunda.zeebe.model.bpmn.instance.TerminateEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.TimerEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeAssignmentDefinition;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeHeader;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeInput;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeIoMapping;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeLoopCharacteristics;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeOutput;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeSubscription;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskDefinition;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskHeaders;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskListener;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskListeners;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskSchedule;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeUserTask;
import io.camunda.zeebe.model.bpmn.validation.zeebe.ZeebeDesignTimeValidators;
import io.countersign.engine.BpmnProblem;
import io.countersign.engine.ListenerEventType;
import io.countersign.engine.embedded.ProcessModel.Flow;
import io.countersign.engine.embedded.ProcessModel.Kind;
import io.countersign.engine.embedded.ProcessModel.Listener;
import io.countersign.engine.embedded.ProcessModel.LoopDef;
import io.countersign.engine.embedded.ProcessModel.Mapping;
import io.countersign.engine.embedded.ProcessModel.MessageDef;
import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.ProcessModel.TimerDef;
import io.countersign.engine.embedded.ProcessModel.UserTaskDef;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.camunda.bpm.model.xml.validation.ValidationResult;
import org.camunda.bpm.model.xml.validation.ValidationResultType;
import org.camunda.bpm.model.xml.validation.ValidationResults;

/**
 * Turns BPMN bytes into {@link ProcessModel}s: Camunda's schema and design-time rules first,
 * then the embedded engine's own subset check, which refuses (never ignores) anything it
 * cannot execute exactly, naming the element and the reason.
 */
final class BpmnTransformer {

    private static final String ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0";

    private final Feel feel;

    BpmnTransformer(Feel feel) {
        this.feel = feel;
    }

    /** Parses and checks one resource; returns its executable processes or throws with every problem. */
    List<ProcessModel> transform(String resourceName, byte[] content, List<BpmnProblem> problems) {
        BpmnModelInstance model;
        try {
            model = Bpmn.readModelFromStream(new ByteArrayInputStream(content));
        } catch (RuntimeException e) {
            problems.add(new BpmnProblem(resourceName, "-", "not a readable BPMN 2.0 document: " + rootMessage(e)));
            return List.of();
        }
        int before = problems.size();
        ValidationResults results = model.validate(ZeebeDesignTimeValidators.VALIDATORS);
        for (Map.Entry<ModelElementInstance, List<ValidationResult>> e : results.getResults().entrySet()) {
            for (ValidationResult r : e.getValue()) {
                if (r.getType() == ValidationResultType.ERROR) {
                    problems.add(new BpmnProblem(resourceName, idOf(e.getKey()), r.getMessage()));
                }
            }
        }
        if (problems.size() > before) {
            return List.of();
        }
        List<ProcessModel> out = new ArrayList<>();
        Collection<Process> processes =
                model.getModelElementsByType(Process.class);
        for (Process process : processes) {
            if (!process.isExecutable()) {
                continue;
            }
            Context ctx = new Context(resourceName, problems, new LinkedHashMap<>(), new LinkedHashMap<>());
            // Flows by source/target from sourceRef/targetRef: <bpmn:outgoing> children are optional in BPMN.
            for (SequenceFlow f : model.getModelElementsByType(SequenceFlow.class)) {
                ctx.outgoing().computeIfAbsent(f.getSource().getId(), k -> new ArrayList<>()).add(f);
                ctx.incoming().merge(f.getTarget().getId(), 1, Integer::sum);
            }
            Map<String, Node> nodes = new LinkedHashMap<>();
            String start = scope(ctx, process.getId(), process.getFlowElements(), nodes);
            nodes.put(process.getId(), new Node(process.getId(), Kind.PROCESS, null, List.of(), 0, null,
                    List.of(), List.of(), null, null, Map.of(), null, null, null, false, null, false, List.of(), null,
                    start));
            if (process.getExtensionElements() != null) {
                for (ModelElementInstance ext : process.getExtensionElements().getElements()) {
                    String name = ext.getElementType().getTypeName();
                    if (!"properties".equals(name) && !"versionTag".equals(name)) {
                        ctx.refuse(process.getId(), "extension element " + qualified(ext)
                                + " on the process is not supported by the embedded engine");
                    }
                }
            }
            if (problems.size() == before) {
                out.add(new ProcessModel(0, process.getId(), 0, start, Map.copyOf(nodes)));
            }
        }
        if (out.isEmpty() && problems.size() == before) {
            problems.add(new BpmnProblem(resourceName, "-", "contains no executable process"));
        }
        return problems.size() > before ? List.of() : out;
    }

    private record Context(String resource, List<BpmnProblem> problems, Map<String, List<SequenceFlow>> outgoing,
            Map<String, Integer> incoming) {
        void refuse(String elementId, String reason) {
            problems.add(new BpmnProblem(resource, elementId, reason));
        }
    }

    /** Converts the flow elements of one scope; returns the id of its none start event. */
    private String scope(Context ctx, String scopeId, Collection<FlowElement> elements, Map<String, Node> nodes) {
        String start = null;
        for (FlowElement el : elements) {
            if (el instanceof SequenceFlow) {
                continue;
            }
            if (!(el instanceof FlowNode fn)) {
                ctx.refuse(el.getId(), el.getElementType().getTypeName()
                        + " is not supported by the embedded engine");
                continue;
            }
            Node node = node(ctx, scopeId, fn, nodes);
            if (node == null) {
                continue;
            }
            if (node.kind() == Kind.START_EVENT) {
                if (start != null) {
                    ctx.refuse(fn.getId(), "a scope may have only one none start event (another is '" + start + "')");
                }
                start = fn.getId();
            }
            nodes.put(node.id(), node);
        }
        if (start == null) {
            ctx.refuse(scopeId, "needs exactly one none start event");
        }
        return start;
    }

    private Node node(Context ctx, String scopeId, FlowNode fn, Map<String, Node> nodes) {
        String id = fn.getId();
        Kind kind = BpmnKinds.of(fn, reason -> ctx.refuse(id, reason));
        if (kind == null) {
            return null;
        }
        List<Flow> outgoing = new ArrayList<>();
        for (SequenceFlow f : ctx.outgoing().getOrDefault(id, List.of())) {
            String cond = null;
            if (f.getConditionExpression() != null && f.getConditionExpression().getTextContent() != null
                    && !f.getConditionExpression().getTextContent().isBlank()) {
                String text = f.getConditionExpression().getTextContent().trim();
                if (!text.startsWith("=")) {
                    ctx.refuse(f.getId(), "condition must be a FEEL expression starting with '='");
                } else {
                    cond = text.substring(1);
                    checkFeel(ctx, f.getId(), "condition", text);
                }
                if (kind != Kind.EXCLUSIVE_GATEWAY) {
                    ctx.refuse(f.getId(), "conditional sequence flows are only supported after an exclusive gateway");
                }
            }
            outgoing.add(new Flow(f.getId(), f.getTarget().getId(), cond));
        }
        String defaultFlow = null;
        if (fn instanceof ExclusiveGateway gw && gw.getDefault() != null) {
            defaultFlow = gw.getDefault().getId();
        }
        if (kind == Kind.EXCLUSIVE_GATEWAY) {
            for (Flow f : outgoing) {
                if (outgoing.size() > 1 && f.condition() == null && !f.id().equals(defaultFlow)) {
                    ctx.refuse(f.id(), "an outgoing flow of exclusive gateway '" + id
                            + "' needs a condition unless it is the default flow");
                }
            }
        }
        Extensions ext = extensions(ctx, fn, kind);
        List<String> boundaryIds = new ArrayList<>();
        if (fn instanceof Activity activity) {
            for (BoundaryEvent b : activity.getBoundaryEvents().list()) {
                boundaryIds.add(b.getId());
            }
        }
        String attachedTo = null;
        boolean cancelActivity = false;
        TimerDef timer = null;
        MessageDef message = null;
        boolean terminate = false;
        if (fn instanceof Event event) {
            Collection<EventDefinition> defs = event instanceof CatchEvent ce ? ce.getEventDefinitions()
                    : event instanceof EndEvent ee ? ee.getEventDefinitions()
                    : event instanceof IntermediateThrowEvent te ? te.getEventDefinitions() : List.of();
            for (EventDefinition def : defs) {
                if (def instanceof TimerEventDefinition t && (kind == Kind.INTERMEDIATE_CATCH_EVENT
                        || kind == Kind.BOUNDARY_EVENT)) {
                    timer = timer(ctx, id, t);
                } else if (def instanceof MessageEventDefinition m && (kind == Kind.INTERMEDIATE_CATCH_EVENT
                        || kind == Kind.BOUNDARY_EVENT)) {
                    message = message(ctx, id, m);
                } else if (def instanceof TerminateEventDefinition && kind == Kind.END_EVENT) {
                    terminate = true;
                } else {
                    ctx.refuse(id, BpmnKinds.describe(def) + " on " + fn.getElementType().getTypeName()
                            + " is not supported by the embedded engine");
                }
            }
            if ((kind == Kind.INTERMEDIATE_CATCH_EVENT || kind == Kind.BOUNDARY_EVENT) && timer == null
                    && message == null && defs.isEmpty()) {
                ctx.refuse(id, "a catch event needs a timer or message event definition");
            }
            if (kind == Kind.START_EVENT && !defs.isEmpty()) {
                ctx.refuse(id, "only none start events are supported by the embedded engine");
            }
            if (fn instanceof BoundaryEvent b) {
                attachedTo = b.getAttachedTo().getId();
                cancelActivity = b.cancelActivity();
            }
        }
        LoopDef loop = null;
        if (fn instanceof Activity activity && activity.getLoopCharacteristics() != null) {
            loop = loop(ctx, id, kind, activity.getLoopCharacteristics());
        }
        String start = null;
        if (fn instanceof SubProcess sp) {
            start = scope(ctx, id, sp.getFlowElements(), nodes);
        }
        return new Node(id, kind, scopeId, List.copyOf(outgoing), ctx.incoming().getOrDefault(id, 0), defaultFlow,
                ext.inputs, ext.outputs, ext.jobType, ext.jobRetries, ext.headers, ext.userTask, timer, message,
                terminate, attachedTo, cancelActivity, List.copyOf(boundaryIds), loop, start);
    }

    private static final class Extensions {
        List<Mapping> inputs = List.of();
        List<Mapping> outputs = List.of();
        String jobType;
        String jobRetries;
        Map<String, String> headers = Map.of();
        UserTaskDef userTask;
    }

    private static final Map<Kind, Set<String>> ALLOWED_EXTENSIONS = Map.ofEntries(
            Map.entry(Kind.SERVICE_TASK, Set.of("taskDefinition", "taskHeaders", "ioMapping", "loopCharacteristics", "properties", "priorityDefinition")),
            Map.entry(Kind.USER_TASK, Set.of("userTask", "assignmentDefinition", "taskSchedule", "taskListeners",
                    "taskHeaders", "ioMapping", "loopCharacteristics", "properties", "priorityDefinition")),
            Map.entry(Kind.TASK, Set.of("ioMapping", "loopCharacteristics", "properties")),
            Map.entry(Kind.MANUAL_TASK, Set.of("ioMapping", "loopCharacteristics", "properties")),
            Map.entry(Kind.SUB_PROCESS, Set.of("ioMapping", "properties")),
            Map.entry(Kind.INTERMEDIATE_CATCH_EVENT, Set.of("ioMapping", "subscription", "properties")),
            Map.entry(Kind.BOUNDARY_EVENT, Set.of("ioMapping", "subscription", "properties")),
            Map.entry(Kind.INTERMEDIATE_THROW_EVENT, Set.of("ioMapping", "properties")),
            Map.entry(Kind.END_EVENT, Set.of("ioMapping", "properties")),
            Map.entry(Kind.START_EVENT, Set.of("ioMapping", "properties")),
            Map.entry(Kind.EXCLUSIVE_GATEWAY, Set.of("properties")),
            Map.entry(Kind.PARALLEL_GATEWAY, Set.of("properties")));

    private Extensions extensions(Context ctx, FlowNode fn, Kind kind) {
        Extensions x = new Extensions();
        String id = fn.getId();
        ExtensionElements ee = fn.getExtensionElements();
        Set<String> allowed = ALLOWED_EXTENSIONS.getOrDefault(kind, Set.of());
        if (ee != null) {
            for (ModelElementInstance ext : ee.getElements()) {
                String name = ext.getElementType().getTypeName();
                String ns = ext.getElementType().getTypeNamespace();
                if (!ZEEBE_NS.equals(ns) || !allowed.contains(name)) {
                    ctx.refuse(id, "extension element " + qualified(ext) + " on " + fn.getElementType().getTypeName()
                            + " is not supported by the embedded engine");
                }
            }
        }
        ZeebeIoMapping io = ext(fn, ZeebeIoMapping.class);
        if (io != null) {
            List<Mapping> in = new ArrayList<>();
            for (ZeebeInput i : io.getInputs()) {
                checkFeel(ctx, id, "input mapping source", i.getSource());
                in.add(new Mapping(i.getSource(), i.getTarget()));
            }
            List<Mapping> out = new ArrayList<>();
            for (ZeebeOutput o : io.getOutputs()) {
                checkFeel(ctx, id, "output mapping source", o.getSource());
                out.add(new Mapping(o.getSource(), o.getTarget()));
            }
            if (!in.isEmpty() && (kind == Kind.BOUNDARY_EVENT || kind == Kind.INTERMEDIATE_CATCH_EVENT
                    || kind == Kind.START_EVENT)) {
                ctx.refuse(id, "input mappings are not allowed on " + fn.getElementType().getTypeName());
            }
            if (!out.isEmpty() && (kind == Kind.END_EVENT)) {
                ctx.refuse(id, "output mappings are not allowed on an end event");
            }
            x.inputs = List.copyOf(in);
            x.outputs = List.copyOf(out);
        }
        ZeebeTaskDefinition td = ext(fn, ZeebeTaskDefinition.class);
        if (td != null) {
            x.jobType = td.getType();
            x.jobRetries = td.getRetries() == null ? "3" : td.getRetries();
            checkFeel(ctx, id, "job type", x.jobType);
            checkFeel(ctx, id, "job retries", x.jobRetries);
        }
        ZeebeTaskHeaders th = ext(fn, ZeebeTaskHeaders.class);
        if (th != null) {
            Map<String, String> h = new LinkedHashMap<>();
            for (ZeebeHeader header : th.getHeaders()) {
                h.put(header.getKey(), header.getValue());
            }
            x.headers = Map.copyOf(h);
        }
        if (kind == Kind.USER_TASK) {
            if (ext(fn, ZeebeUserTask.class) == null) {
                ctx.refuse(id, "user task without <zeebe:userTask/> (job-worker user task) is not supported: "
                        + "declare it as a Camunda user task");
            }
            ZeebeAssignmentDefinition ad = ext(fn, ZeebeAssignmentDefinition.class);
            ZeebeTaskSchedule ts = ext(fn, ZeebeTaskSchedule.class);
            String assignee = ad == null ? null : blankToNull(ad.getAssignee());
            String groups = ad == null ? null : blankToNull(ad.getCandidateGroups());
            String users = ad == null ? null : blankToNull(ad.getCandidateUsers());
            String due = ts == null ? null : blankToNull(ts.getDueDate());
            if (ts != null && blankToNull(ts.getFollowUpDate()) != null) {
                ctx.refuse(id, "zeebe:taskSchedule followUpDate is not supported by the embedded engine");
            }
            for (String[] e : new String[][] {{"assignee", assignee}, {"candidateGroups", groups},
                    {"candidateUsers", users}, {"dueDate", due}}) {
                checkFeel(ctx, id, e[0], e[1]);
            }
            List<Listener> listeners = new ArrayList<>();
            ZeebeTaskListeners tls = ext(fn, ZeebeTaskListeners.class);
            if (tls != null) {
                for (ZeebeTaskListener l : tls.getTaskListeners()) {
                    ListenerEventType event = listenerEvent(l);
                    if (event == null) {
                        ctx.refuse(id, "task listener event type '" + l.getEventType()
                                + "' is not supported by the embedded engine (creating, assigning, completing, canceling)");
                        continue;
                    }
                    if (l.getType() == null || l.getType().isBlank()) {
                        ctx.refuse(id, "task listener for " + event.bpmnName() + " needs a type");
                        continue;
                    }
                    checkFeel(ctx, id, "task listener type", l.getType());
                    listeners.add(new Listener(event, l.getType(), l.getRetries() == null ? "3" : l.getRetries()));
                }
            }
            x.userTask = new UserTaskDef(assignee, groups, users, due, List.copyOf(listeners));
        }
        return x;
    }

    private static ListenerEventType listenerEvent(ZeebeTaskListener l) {
        if (l.getEventType() == null) {
            return null;
        }
        switch (l.getEventType().resolve().name()) {
            case "creating":
                return ListenerEventType.CREATING;
            case "assigning":
                return ListenerEventType.ASSIGNING;
            case "completing":
                return ListenerEventType.COMPLETING;
            case "canceling":
                return ListenerEventType.CANCELING;
            default:
                return null;
        }
    }

    private TimerDef timer(Context ctx, String id, TimerEventDefinition t) {
        String kind;
        String text;
        if (t.getTimeDuration() != null) {
            kind = "DURATION";
            text = t.getTimeDuration().getTextContent();
        } else if (t.getTimeDate() != null) {
            kind = "DATE";
            text = t.getTimeDate().getTextContent();
        } else if (t.getTimeCycle() != null) {
            kind = "CYCLE";
            text = t.getTimeCycle().getTextContent();
        } else {
            ctx.refuse(id, "timer needs timeDuration, timeDate or timeCycle");
            return null;
        }
        text = text == null ? "" : text.trim();
        if (text.startsWith("=")) {
            checkFeel(ctx, id, "timer expression", text);
        } else {
            try {
                Timers.validateStatic(kind, text);
            } catch (IllegalArgumentException e) {
                ctx.refuse(id, e.getMessage());
            }
        }
        return new TimerDef(kind, text);
    }

    private MessageDef message(Context ctx, String id, MessageEventDefinition m) {
        if (m.getMessage() == null || blankToNull(m.getMessage().getName()) == null) {
            ctx.refuse(id, "message event needs a message with a name");
            return null;
        }
        ZeebeSubscription sub = m.getMessage().getExtensionElements() == null ? null
                : m.getMessage().getExtensionElements().getElementsQuery()
                        .filterByType(ZeebeSubscription.class).list().stream().findFirst().orElse(null);
        if (sub == null || blankToNull(sub.getCorrelationKey()) == null) {
            ctx.refuse(id, "message '" + m.getMessage().getName() + "' needs a zeebe:subscription correlationKey");
            return null;
        }
        checkFeel(ctx, id, "message name", m.getMessage().getName());
        checkFeel(ctx, id, "correlation key", sub.getCorrelationKey());
        return new MessageDef(m.getMessage().getName(), sub.getCorrelationKey());
    }

    private LoopDef loop(Context ctx, String id, Kind kind, LoopCharacteristics lc) {
        if (!(lc instanceof MultiInstanceLoopCharacteristics mi)) {
            ctx.refuse(id, "standard loop characteristics are not supported (use multi-instance)");
            return null;
        }
        if (kind != Kind.SERVICE_TASK && kind != Kind.USER_TASK && kind != Kind.TASK && kind != Kind.MANUAL_TASK) {
            ctx.refuse(id, "multi-instance is only supported on tasks by the embedded engine");
            return null;
        }
        ZeebeLoopCharacteristics z = mi.getExtensionElements() == null ? null
                : mi.getExtensionElements().getElementsQuery().filterByType(ZeebeLoopCharacteristics.class).list()
                        .stream().findFirst().orElse(null);
        if (z == null || blankToNull(z.getInputCollection()) == null) {
            ctx.refuse(id, "multi-instance needs zeebe:loopCharacteristics inputCollection");
            return null;
        }
        if (mi.getLoopCardinality() != null) {
            ctx.refuse(id, "loopCardinality is not supported (Zeebe uses inputCollection)");
        }
        String completion = null;
        if (mi.getCompletionCondition() != null && blankToNull(mi.getCompletionCondition().getTextContent()) != null) {
            completion = mi.getCompletionCondition().getTextContent().trim();
            checkFeel(ctx, id, "completion condition", completion);
            completion = completion.startsWith("=") ? completion.substring(1) : completion;
        }
        checkFeel(ctx, id, "input collection", z.getInputCollection());
        checkFeel(ctx, id, "output element", z.getOutputElement());
        return new LoopDef(mi.isSequential(), z.getInputCollection(), blankToNull(z.getInputElement()),
                blankToNull(z.getOutputCollection()), blankToNull(z.getOutputElement()), completion);
    }

    private void checkFeel(Context ctx, String id, String what, String value) {
        if (value == null || !value.startsWith("=")) {
            return;
        }
        String error = feel.parseError(value.substring(1));
        if (error != null) {
            ctx.refuse(id, what + " is not a valid FEEL expression: " + error);
        }
    }

    private static <T extends ModelElementInstance> T ext(BaseElement el, Class<T> type) {
        if (el.getExtensionElements() == null) {
            return null;
        }
        return el.getExtensionElements().getElementsQuery().filterByType(type).list().stream().findFirst()
                .orElse(null);
    }

    private static String qualified(ModelElementInstance e) {
        String ns = e.getElementType().getTypeNamespace();
        return (ZEEBE_NS.equals(ns) ? "zeebe:" : "{" + ns + "}") + e.getElementType().getTypeName();
    }

    private static String idOf(ModelElementInstance e) {
        if (e instanceof BaseElement b && b.getId() != null) {
            return b.getId();
        }
        String id = e.getAttributeValue("id");
        if (id != null) {
            return id;
        }
        ModelElementInstance parent = e.getParentElement();
        while (parent != null) {
            if (parent instanceof BaseElement b && b.getId() != null) {
                return b.getId();
            }
            parent = parent.getParentElement();
        }
        return e.getElementType().getTypeName();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
