package io.countersign.engine.embedded;

import io.countersign.engine.BpmnResource;
import io.countersign.engine.DeploymentResult;
import io.countersign.engine.ElementInstanceState;
import io.countersign.engine.ElementInstanceView;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.IncidentView;
import io.countersign.engine.JobHandler;
import io.countersign.engine.JobWorkerOptions;
import io.countersign.engine.JobWorkerRegistration;
import io.countersign.engine.ProcessInstanceState;
import io.countersign.engine.ProcessInstanceView;
import io.countersign.engine.UserTaskView;
import io.countersign.engine.WorkflowEngine;
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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Countersign's in-process engine for a subset of Camunda 8 (Zeebe) BPMN, persisting its state
 * in the application database ({@code engine_*} tables). Selected with
 * {@code countersign.engine=embedded} (the default). Commands join the caller's transaction
 * when there is one; otherwise each runs in its own.
 */
@ApplicationScoped
@IfBuildProperty(name = "countersign.engine", stringValue = "embedded", enableIfMissing = true)
public class EmbeddedWorkflowEngine implements WorkflowEngine {

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

    // ---------------------------------------------------------------- queries

    @Override
    public Optional<ProcessInstanceView> findInstance(long processInstanceKey) {
        return Optional.ofNullable(read(db -> instance(db, processInstanceKey)));
    }

    private static ProcessInstanceView instance(Db db, long key) {
        return db.one("SELECT i.instance_key, i.bpmn_process_id, i.version, i.process_key, i.state, i.started_at, "
                + "i.ended_at, (SELECT COUNT(*) FROM engine_incident n WHERE n.instance_key = i.instance_key) "
                + "FROM engine_instance i WHERE i.instance_key = ?", rs -> new ProcessInstanceView(rs.getLong(1),
                        rs.getString(2), rs.getInt(3), rs.getLong(4), ProcessInstanceState.valueOf(rs.getString(5)),
                        rs.getObject(6, OffsetDateTime.class), rs.getObject(7, OffsetDateTime.class), rs.getLong(8) > 0),
                key);
    }

    private static void requireInstance(Db db, long key) {
        if (db.count("SELECT COUNT(*) FROM engine_instance WHERE instance_key = ?", key) == 0) {
            throw new EngineNotFoundException("no process instance with key " + key);
        }
    }

    private static final String VIEW_COLS = "element_key, element_id, element_type, flow_scope_key, state, started_at, "
            + "ended_at";

    private static ElementInstanceView view(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ElementInstanceView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                ElementInstanceState.valueOf(rs.getString(5)), rs.getObject(6, OffsetDateTime.class),
                rs.getObject(7, OffsetDateTime.class));
    }

    @Override
    public List<ElementInstanceView> activeElements(long processInstanceKey) {
        return read(db -> {
            List<ElementInstanceView> out = db.list("SELECT " + VIEW_COLS + " FROM engine_element WHERE instance_key = ? "
                    + "AND element_type <> 'PROCESS' AND state NOT IN ('COMPLETED', 'TERMINATED') ORDER BY element_key",
                    EmbeddedWorkflowEngine::view, processInstanceKey);
            if (out.isEmpty()) {
                requireInstance(db, processInstanceKey);
            }
            return out;
        });
    }

    @Override
    public List<ElementInstanceView> history(long processInstanceKey) {
        return read(db -> {
            List<ElementInstanceView> out = db.list("SELECT " + VIEW_COLS + " FROM engine_element WHERE instance_key = ? "
                    + "ORDER BY element_key", EmbeddedWorkflowEngine::view, processInstanceKey);
            if (out.isEmpty()) {
                requireInstance(db, processInstanceKey);
            }
            return out;
        });
    }

    @Override
    public Map<String, Object> variables(long processInstanceKey) {
        return read(db -> {
            requireInstance(db, processInstanceKey);
            Map<String, Object> vars = new LinkedHashMap<>();
            db.list("SELECT name, value_json FROM engine_variable WHERE scope_key = ? ORDER BY name", rs -> {
                vars.put(rs.getString(1), Json.read(rs.getString(2)));
                return null;
            }, processInstanceKey);
            return vars;
        });
    }

    @Override
    public List<IncidentView> incidents(long processInstanceKey) {
        return read(db -> {
            requireInstance(db, processInstanceKey);
            return db.list("SELECT incident_key, instance_key, element_key, element_id, error_type, error_message, "
                    + "job_key, created_at FROM engine_incident WHERE instance_key = ? ORDER BY incident_key",
                    rs -> new IncidentView(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getObject(7) == null ? -1 : rs.getLong(7),
                            rs.getObject(8, OffsetDateTime.class)), processInstanceKey);
        });
    }

    @Override
    public List<UserTaskView> userTasks(long processInstanceKey) {
        return read(db -> {
            List<UserTaskView> out = new ArrayList<>();
            for (EngineCore.UserTaskRow r : db.list("SELECT " + EngineCore.UT_COLS + " FROM engine_user_task "
                    + "WHERE instance_key = ? ORDER BY user_task_key", EngineCore::userTask, processInstanceKey)) {
                out.add(new UserTaskView(r.key(), r.instanceKey(), r.elementKey(), r.elementId(), r.state(), r.assignee(),
                        Json.readStringList(r.candidateGroups()), Json.readStringList(r.candidateUsers()), r.dueDate()));
            }
            if (out.isEmpty()) {
                requireInstance(db, processInstanceKey); // not found, or simply no open task
            }
            return out;
        });
    }
}
