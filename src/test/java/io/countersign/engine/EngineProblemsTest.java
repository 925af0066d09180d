package io.countersign.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.countersign.common.DomainException;
import io.countersign.common.Problem;
import io.countersign.common.ProblemMappers;
import io.countersign.engine.camunda.CamundaUnavailableException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Engine failures carry a kind, not a status; the problem+json mapper gives them the statuses and bodies they always had. */
class EngineProblemsTest {

    private static Problem problem(DomainException e) {
        return ProblemMappers.toProblem(e, "/somewhere");
    }

    @Test
    void notFoundIs404EngineNotFound() {
        Problem p = problem(new EngineNotFoundException("no job with key 7"));
        assertThat(p).isEqualTo(new Problem(Problem.TYPE_BASE + "engine-not-found", "Not found", 404,
                "no job with key 7", "/somewhere", null));
    }

    @Test
    void conflictIs409EngineConflict() {
        Problem p = problem(new EngineConflictException("user task 5 is CREATING"));
        assertThat(p).isEqualTo(new Problem(Problem.TYPE_BASE + "engine-conflict", "Conflict", 409,
                "user task 5 is CREATING", "/somewhere", null));
    }

    @Test
    void invalidCommandIs400EngineInvalidArgument() {
        Problem p = problem(new EngineRejectedException("start x: bad variables"));
        assertThat(p).isEqualTo(new Problem(Problem.TYPE_BASE + "engine-invalid-argument", "Invalid engine command",
                400, "start x: bad variables", "/somewhere", null));
    }

    @Test
    void rejectedDeploymentIs400NamingEachElement() {
        DeploymentRejectedException e = new DeploymentRejectedException(List.of(
                new BpmnProblem("a.bpmn", "task1", "script task is not supported"),
                new BpmnProblem("a.bpmn", "gw", "needs a default flow")));
        Problem p = problem(e);
        assertThat(p.type()).isEqualTo(Problem.TYPE_BASE + "bpmn-rejected");
        assertThat(p.title()).isEqualTo("BPMN deployment rejected");
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.detail()).isEqualTo(e.problems().get(0) + "; " + e.problems().get(1));
        assertThat(p.errors()).containsExactly(new Problem.FieldError("a.bpmn#task1", "script task is not supported"),
                new Problem.FieldError("a.bpmn#gw", "needs a default flow"));
        assertThat(e.kind()).isEqualTo(DomainException.Kind.REJECTED);
    }

    @Test
    void unavailableClusterIs503KeepingTheClientFailure() {
        IllegalStateException cause = new IllegalStateException("connection refused");
        CamundaUnavailableException e = new CamundaUnavailableException("start approval failed: UNAVAILABLE", cause);
        assertThat(problem(e)).isEqualTo(new Problem(Problem.TYPE_BASE + "engine-unavailable",
                "Workflow engine unavailable", 503, "start approval failed: UNAVAILABLE", "/somewhere", null));
        assertThat(e.clientFailure()).isSameAs(cause);
    }
}
