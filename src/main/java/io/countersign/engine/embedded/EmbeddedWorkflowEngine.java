package io.countersign.engine.embedded;

import io.countersign.engine.BpmnResource;
import io.countersign.engine.DeploymentResult;
import io.countersign.engine.ElementInstanceView;
import io.countersign.engine.IncidentView;
import io.countersign.engine.JobHandler;
import io.countersign.engine.JobWorkerOptions;
import io.countersign.engine.JobWorkerRegistration;
import io.countersign.engine.ProcessInstanceView;
import io.countersign.engine.UserTaskView;
import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.WorkflowInspection;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Countersign's in-process engine for a subset of Camunda 8 (Zeebe) BPMN, persisting its state
 * in the application database ({@code engine_*} tables). Selected with
 * {@code countersign.engine=embedded} (the default), as both the {@link WorkflowEngine} port and
 * its {@link WorkflowInspection}. Commands join the caller's transaction when there is one;
 * otherwise each runs in its own.
 */
@ApplicationScoped
@IfBuildProperty(name = "countersign.engine", stringValue = "embedded", enableIfMissing = true)
public class EmbeddedWorkflowEngine implements WorkflowEngine, WorkflowInspection {

    @Inject
    DataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry synchronizationRegistry;

    @Inject
    EmbeddedEngineConfig config;

    private TxRunner tx;
    private final EngineCore core = new EngineCore();
    private JobRuntime jobs;
    private TimerScheduler timers;

    @PostConstruct
    void init() {
        wire(new JtaTxRunner(dataSource, synchronizationRegistry), config.workerThreads(), config.pollInterval(),
                config.activationBatch());
    }

    /** An engine outside CDI on a plain DataSource (crash-safety harness, tools). Call {@link #startLoops()}. */
    static EmbeddedWorkflowEngine standalone(DataSource dataSource, int workerThreads, Duration pollInterval) {
        EmbeddedWorkflowEngine engine = new EmbeddedWorkflowEngine();
        engine.wire(new JdbcTxRunner(dataSource), workerThreads, pollInterval, 32);
        return engine;
    }

    private void wire(TxRunner runner, int workerThreads, Duration pollInterval, int batch) {
        this.tx = runner;
        this.jobs = new JobRuntime(runner, core, this, workerThreads, pollInterval, batch);
        this.timers = new TimerScheduler(runner, core, pollInterval);
        core.onJobsAvailable(jobs::jobsAvailable);
        core.onJobPush(jobs::reserve);
        core.onTimerScheduled(timers::timerScheduled);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.loopsEnabled()) {
            startLoops();
            Log.info("embedded workflow engine started (job and timer loops running)");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopLoops();
    }

    /** Starts the job and timer loops. */
    void startLoops() {
        timers.start();
        jobs.start();
    }

    /** Stops the loops; handlers already running finish. */
    void stopLoops() {
        jobs.stop();
        timers.stop();
    }

    private <T> T write(Function<Db, T> step) {
        return tx.inTransaction(true, step);
    }

    private <T> T read(Function<Db, T> step) {
        return tx.inTransaction(true, step);
    }

    @Override
    public DeploymentResult deploy(List<BpmnResource> resources) {
        Objects.requireNonNull(resources, "resources");
        return write(db -> core.deploy(db, resources));
    }

    @Override
    public long startInstance(String bpmnProcessId, Map<String, Object> variables) {
        return write(db -> core.startInstance(db, bpmnProcessId, null, variables));
    }

    @Override
    public long startInstance(String bpmnProcessId, int version, Map<String, Object> variables) {
        return write(db -> core.startInstance(db, bpmnProcessId, version, variables));
    }

    @Override
    public void cancelInstance(long processInstanceKey) {
        write(db -> {
            core.cancelInstance(db, processInstanceKey);
            return null;
        });
    }

    @Override
    public void completeUserTask(long userTaskKey, Map<String, Object> variables) {
        write(db -> {
            core.completeUserTask(db, userTaskKey, variables);
            return null;
        });
    }

    @Override
    public void assignUserTask(long userTaskKey, String assignee) {
        write(db -> {
            core.assignUserTask(db, userTaskKey, assignee);
            return null;
        });
    }

    @Override
    public void updateUserTaskCandidateGroups(long userTaskKey, List<String> candidateGroups) {
        Objects.requireNonNull(candidateGroups, "candidateGroups");
        write(db -> {
            core.updateUserTaskCandidateGroups(db, userTaskKey, candidateGroups);
            return null;
        });
    }

    @Override
    public long publishMessage(String name, String correlationKey, Duration timeToLive, String messageId,
            Map<String, Object> variables) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(correlationKey, "correlationKey");
        return write(db -> core.publishMessage(db, name, correlationKey, timeToLive, messageId, variables));
    }

    @Override
    public void setVariables(long elementInstanceKey, Map<String, Object> variables) {
        write(db -> {
            core.setVariables(db, elementInstanceKey, variables);
            return null;
        });
    }

    @Override
    public void completeJob(long jobKey, Map<String, Object> variables) {
        write(db -> {
            core.completeJob(db, jobKey, variables);
            return null;
        });
    }

    @Override
    public void failJob(long jobKey, int retries, Duration backoff, String errorMessage) {
        write(db -> {
            core.failJob(db, jobKey, retries, backoff, errorMessage);
            return null;
        });
    }

    @Override
    public void throwJobError(long jobKey, String errorCode, String errorMessage) {
        write(db -> {
            core.throwJobError(db, jobKey, errorCode, errorMessage);
            return null;
        });
    }

    @Override
    public void updateJobRetries(long jobKey, int retries) {
        write(db -> {
            core.updateJobRetries(db, jobKey, retries);
            return null;
        });
    }

    @Override
    public JobWorkerRegistration registerJobHandler(String jobType, JobWorkerOptions options, JobHandler handler) {
        Objects.requireNonNull(jobType, "jobType");
        Objects.requireNonNull(handler, "handler");
        return jobs.register(jobType, options == null ? JobWorkerOptions.defaults() : options, handler);
    }

    @Override
    public void resolveIncident(long incidentKey) {
        write(db -> {
            core.resolveIncident(db, incidentKey);
            return null;
        });
    }

    // ---------------------------------------------------------------- inspection

    private <T> T inspect(Function<JdbcInspection, T> query) {
        return read(db -> query.apply(new JdbcInspection(db)));
    }

    @Override
    public Optional<ProcessInstanceView> findInstance(long processInstanceKey) {
        return Optional.ofNullable(inspect(q -> q.instance(processInstanceKey)));
    }

    @Override
    public List<ElementInstanceView> activeElements(long processInstanceKey) {
        return inspect(q -> q.activeElements(processInstanceKey));
    }

    @Override
    public List<ElementInstanceView> history(long processInstanceKey) {
        return inspect(q -> q.history(processInstanceKey));
    }

    @Override
    public String processXml(long processDefinitionKey) {
        return inspect(q -> q.processXml(processDefinitionKey));
    }

    @Override
    public Map<String, Object> variables(long processInstanceKey) {
        return inspect(q -> q.variables(processInstanceKey));
    }

    @Override
    public List<IncidentView> incidents(long processInstanceKey) {
        return inspect(q -> q.incidents(processInstanceKey));
    }

    @Override
    public List<UserTaskView> userTasks(long processInstanceKey) {
        return inspect(q -> q.userTasks(processInstanceKey));
    }
}
