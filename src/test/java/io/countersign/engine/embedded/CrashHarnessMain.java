package io.countersign.engine.embedded;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.JobResult;
import io.countersign.engine.JobWorkerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Child JVM of {@link EngineCrashSafetyTest}: runs the embedded engine on a plain DataSource,
 * starts instances of a small process in a loop (printing {@code STARTED <key>} after each
 * commit) and works its jobs, until it is killed. With {@code drain} it starts nothing and
 * only works jobs and timers.
 */
public final class CrashHarnessMain {

    static final String PROCESS = "crash-harness";

    private CrashHarnessMain() {
    }

    /**
     * The test that started this JVM kills it on purpose; if the test JVM itself dies (a build
     * stopped half-way), this child must not go on loading the shared crash database.
     */
    private static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    }

    public static void main(String[] args) throws Exception {
        exitWithParent();
        String url = args[0];
        String user = args[1];
        boolean drain = args.length > 2 && "drain".equals(args[2]);
        DataSource ds = dataSource(url, user);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        EmbeddedWorkflowEngine engine = EmbeddedWorkflowEngine.standalone(ds, 4, Duration.ofMillis(100));
        engine.deploy(List.of(new BpmnResource(PROCESS + ".bpmn", Bpmn.convertToString(
                Bpmn.createExecutableProcess(PROCESS).startEvent()
                        .serviceTask("a", t -> t.zeebeJobType("crash-a"))
                        .parallelGateway("fork")
                        .intermediateCatchEvent("wait").timerWithDuration("PT0.05S")
                        .parallelGateway("join")
                        .serviceTask("b", t -> t.zeebeJobType("crash-b")).endEvent("end")
                        .moveToNode("fork").serviceTask("c", t -> t.zeebeJobType("crash-c")).connectTo("join")
                        .done()).getBytes(StandardCharsets.UTF_8))));
        JobWorkerOptions options = new JobWorkerOptions(Duration.ofSeconds(2), 64);
        engine.registerJobHandler("crash-a", options, job -> JobResult.complete(Map.of("a", job.key())));
        engine.registerJobHandler("crash-b", options, job -> JobResult.complete(Map.of("b", job.key())));
        engine.registerJobHandler("crash-c", options, job -> JobResult.complete(Map.of("c", job.key())));
        engine.startLoops();
        System.out.println("READY");
        System.out.flush();
        while (!drain) {
            long key = engine.startInstance(PROCESS, Map.of());
            System.out.println("STARTED " + key);
            System.out.flush();
        }
        // Drain mode: report how many instances are still unfinished until the parent kills us.
        while (true) {
            Thread.sleep(500);
            try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement();
                    java.sql.ResultSet rs = st.executeQuery(
                            "SELECT COUNT(*) FROM engine_instance WHERE state <> 'COMPLETED'")) {
                rs.next();
                System.out.println("ACTIVE " + rs.getLong(1));
                System.out.flush();
            }
        }
    }

    static DataSource dataSource(String url, String user) {
        if (url.startsWith("jdbc:postgresql:")) {
            org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
            pg.setURL(url);
            pg.setUser(user);
            return pg;
        }
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL(url);
        h2.setUser(user);
        return h2;
    }
}
