package io.countersign.engine.camunda;

import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.WorkflowEngineConformanceTest;
import io.countersign.engine.WorkflowInspection;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The engine-neutral conformance suite against a REAL Camunda 8 cluster, run by
 * {@code mvn -B test -Pcamunda-it}. The cluster comes from the environment:
 * CAMUNDA_GRPC_ADDRESS and CAMUNDA_REST_ADDRESS (required), CAMUNDA_AUTH_MODE
 * (none|basic|oauth), CAMUNDA_USERNAME/CAMUNDA_PASSWORD or CAMUNDA_CLIENT_ID/
 * CAMUNDA_CLIENT_SECRET/CAMUNDA_TOKEN_URL/CAMUNDA_AUDIENCE. Without them every scenario is
 * reported as skipped, with the reason. Named *IT so the normal test run does not pick it up.
 */
class CamundaClusterConformanceIT extends WorkflowEngineConformanceTest {

    private static CamundaWorkflowEngine engine;

    @BeforeAll
    static void connect() {
        String grpc = System.getenv("CAMUNDA_GRPC_ADDRESS");
        String rest = System.getenv("CAMUNDA_REST_ADDRESS");
        if (grpc == null || grpc.isBlank() || rest == null || rest.isBlank()) {
            String reason = "SKIPPED: no Camunda cluster given. Set CAMUNDA_GRPC_ADDRESS and CAMUNDA_REST_ADDRESS "
                    + "(e.g. http://localhost:26500 and http://localhost:8088) to run the conformance suite "
                    + "against a real cluster.";
            Log.warn(reason);
            Assumptions.abort(reason);
        }
        Map<String, String> properties = new HashMap<>();
        properties.put("countersign.camunda.grpc-address", grpc);
        properties.put("countersign.camunda.rest-address", rest);
        properties.put("countersign.camunda.request-timeout", "20s");
        properties.put("countersign.camunda.worker.poll-interval", "100ms");
        copy(properties, "CAMUNDA_AUTH_MODE", "countersign.camunda.auth.mode");
        copy(properties, "CAMUNDA_USERNAME", "countersign.camunda.auth.username");
        copy(properties, "CAMUNDA_PASSWORD", "countersign.camunda.auth.password");
        copy(properties, "CAMUNDA_CLIENT_ID", "countersign.camunda.auth.client-id");
        copy(properties, "CAMUNDA_CLIENT_SECRET", "countersign.camunda.auth.client-secret");
        copy(properties, "CAMUNDA_TOKEN_URL", "countersign.camunda.auth.token-url");
        copy(properties, "CAMUNDA_AUDIENCE", "countersign.camunda.auth.audience");
        copy(properties, "CAMUNDA_TENANT_ID", "countersign.camunda.tenant-id");
        CamundaConfig config = CamundaTestConfig.of(properties);
        engine = new CamundaWorkflowEngine(new CamundaClientProvider(config), config);
        Log.infof("running the conformance suite against Camunda at %s / %s", grpc, rest);
    }

    private static void copy(Map<String, String> properties, String env, String key) {
        String value = System.getenv(env);
        if (value != null && !value.isBlank()) {
            properties.put(key, value);
        }
    }

    @AfterAll
    static void disconnect() {
        if (engine != null) {
            engine.close();
        }
    }

    @Override
    protected WorkflowEngine engine() {
        return engine;
    }

    @Override
    protected WorkflowInspection inspection() {
        return engine;
    }

    /** Camunda's search API is eventually consistent: allow it time to catch up. */
    @Override
    protected Duration patience() {
        return Duration.ofSeconds(60);
    }
}
