package io.countersign.engine.embedded;

import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.WorkflowEngineConformanceTest;
import io.countersign.engine.WorkflowInspection;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** Runs the engine-neutral conformance scenarios against the embedded engine (H2 and PostgreSQL runs). */
@QuarkusTest
class EmbeddedWorkflowEngineConformanceTest extends WorkflowEngineConformanceTest {

    @Inject
    WorkflowEngine engine;

    @Inject
    WorkflowInspection inspection;

    @Override
    protected WorkflowEngine engine() {
        return engine;
    }

    @Override
    protected WorkflowInspection inspection() {
        return inspection;
    }
}
