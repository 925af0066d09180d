package io.countersign.engine;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The operator's view of an engine instance: admins only, and an unknown instance is a 404 problem. */
@QuarkusTest
class EngineAdminResourceTest {

    @Inject
    WorkflowEngine engine;

    @Inject
    WorkflowInspection inspection;

    private long startWaitingInstance() {
        String id = "engine-admin-" + UUID.randomUUID().toString().substring(0, 8);
        String xml = Bpmn.convertToString(Bpmn.createExecutableProcess(id).startEvent()
                .userTask("review", t -> t.zeebeUserTask().zeebeCandidateGroups("dba")).endEvent().done());
        engine.deploy(List.of(new BpmnResource(id + ".bpmn", xml.getBytes(StandardCharsets.UTF_8))));
        long instance = engine.startInstance(id, Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> !inspection.userTasks(instance).isEmpty());
        return instance;
    }

    @Test
    void showsAnInstanceWithItsActiveElementsAndOpenUserTasks() {
        long instance = startWaitingInstance();

        given().auth().oauth2(Tokens.admin())
                .when().get("/api/v1/admin/engine/instances/" + instance)
                .then().statusCode(200)
                .body("instance.state", equalTo("ACTIVE"))
                .body("activeElements.elementId", equalTo(List.of("review")))
                .body("incidents", empty())
                .body("userTasks[0].elementId", equalTo("review"))
                .body("userTasks[0].candidateGroups", equalTo(List.of("dba")));
    }

    @Test
    void anUnknownInstanceIsANotFoundProblem() {
        given().auth().oauth2(Tokens.admin())
                .when().get("/api/v1/admin/engine/instances/987654321")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://countersign.dev/problems/engine-not-found"))
                .body("title", equalTo("Not found"))
                .body("detail", equalTo("no process instance with key 987654321"));
    }

    @Test
    void onlyAdminsMayLook() {
        long instance = startWaitingInstance();

        given().auth().oauth2(Tokens.reviewer("rita", "dba"))
                .when().get("/api/v1/admin/engine/instances/" + instance)
                .then().statusCode(403);
        given()
                .when().get("/api/v1/admin/engine/instances/" + instance)
                .then().statusCode(401);
    }
}
