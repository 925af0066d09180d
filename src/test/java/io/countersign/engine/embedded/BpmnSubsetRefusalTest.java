package io.countersign.engine.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.engine.BpmnProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The embedded engine refuses every construct outside its subset, naming the element and why. */
class BpmnSubsetRefusalTest {

    private final BpmnTransformer transformer = new BpmnTransformer(new Feel());

    private List<BpmnProblem> problemsOf(String file) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/bpmn/unsupported/" + file)) {
            List<BpmnProblem> problems = new ArrayList<>();
            List<ProcessModel> models = transformer.transform(file, in.readAllBytes(), problems);
            assertTrue(models.isEmpty(), "nothing of a refused resource is deployable");
            return problems;
        }
    }

    @ParameterizedTest(name = "{0} is refused at {1}")
    @CsvSource({
        "signal.bpmn, waitSignal, signal event definition",
        "escalation.bpmn, escalate, escalation event definition",
        "compensation.bpmn, compensate, compensation event definition",
        "event-based-gateway.bpmn, race, event-based gateway",
        "call-activity.bpmn, callChild, call activity",
        "script-task.bpmn, compute, script task",
        "business-rule-task.bpmn, decide, business rule task",
        "inclusive-gateway.bpmn, either, inclusive gateway",
        "form-on-user-task.bpmn, review, zeebe:formDefinition",
        "cron-cycle.bpmn, nightly, cron is not supported",
    })
    void refusesUnsupportedConstructNamingTheElement(String file, String elementId, String reason) throws IOException {
        List<BpmnProblem> problems = problemsOf(file);
        assertTrue(problems.stream().anyMatch(p -> p.elementId().equals(elementId) && p.reason().contains(reason)
                && p.resourceName().equals(file)), () -> "expected a problem at " + elementId + " about '" + reason
                        + "', got " + problems);
    }

    @Test
    void refusesServiceTaskWithoutTaskDefinitionThroughZeebeRules() {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
                  <bpmn:process id="p" isExecutable="true">
                    <bpmn:startEvent id="start" />
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
                    <bpmn:serviceTask id="work" />
                  </bpmn:process>
                </bpmn:definitions>
                """;
        List<BpmnProblem> problems = new ArrayList<>();
        transformer.transform("x.bpmn", xml.getBytes(StandardCharsets.UTF_8), problems);
        assertEquals("work", problems.get(0).elementId());
        assertTrue(problems.get(0).reason().contains("taskDefinition"), problems.toString());
    }

    @Test
    void refusesUnreadableXml() {
        List<BpmnProblem> problems = new ArrayList<>();
        transformer.transform("broken.bpmn", "<not-bpmn".getBytes(StandardCharsets.UTF_8), problems);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).reason().startsWith("not a readable BPMN"), problems.toString());
    }

    @Test
    void refusesInvalidFeelAtDeployTime() {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="x">
                  <bpmn:process id="p" isExecutable="true">
                    <bpmn:startEvent id="start" />
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
                    <bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask />
                      <zeebe:assignmentDefinition candidateGroups="=[&quot;a&quot;," /></bpmn:extensionElements></bpmn:userTask>
                  </bpmn:process>
                </bpmn:definitions>
                """;
        List<BpmnProblem> problems = new ArrayList<>();
        transformer.transform("x.bpmn", xml.getBytes(StandardCharsets.UTF_8), problems);
        assertTrue(problems.stream().anyMatch(p -> p.elementId().equals("review")), problems.toString());
    }
}
