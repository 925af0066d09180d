package io.countersign.bench;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.JobResult;
import io.countersign.engine.JobWorkerOptions;
import io.countersign.engine.UserTaskView;
import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.WorkflowInspection;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Benchmark of the embedded engine, not a test: drives a five-step process
 * (service task, exclusive gateway, user task completed through {@link WorkflowEngine},
 * service task, end) closed-loop with a bounded number of instances in flight and reports
 * completed instances per second, per-step latency from the engine's own element history and
 * the latency of the interface commands. Run by {@code bench/engine.sh}.
 *
 * <p>Usage: {@code EngineBench <jdbcUrl> <user> <warmupSeconds> <seconds> <inFlight> <workerThreads> <label>}
 */
public final class EngineBench {

    public static final String PROCESS = "bench-five-step";

    private EngineBench() {
    }

    /** A small latency recorder (nanoseconds), thread-safe by striping on a lock. */
    static final class Recorder {
        private long[] values = new long[1 << 16];
        private int n;

        synchronized void add(long nanos) {
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = nanos;
        }

        synchronized String summary() {
            long[] v = Arrays.copyOf(values, n);
            Arrays.sort(v);
            return String.format("n=%d p50=%.2fms p99=%.2fms max=%.2fms", n, pct(v, 50), pct(v, 99),
                    n == 0 ? 0 : v[n - 1] / 1e6);
        }
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
    }

    /** Statements and transactions of the engine; per SQL text with -Dbench.sql-profile=true (the chattiest statements). */
    static final CountingDataSource COUNTER = new CountingDataSource(Boolean.getBoolean("bench.sql-profile"));

    /** user+system ticks of the PostgreSQL backends serving this database (same host: /proc). */
    static long backendTicks(DataSource ds) throws Exception {
        long sum = 0;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")) {
            while (rs.next()) {
                sum += procTicks(rs.getInt(1));
            }
        }
        return sum;
    }

    static long procTicks(int pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        } catch (Exception e) {
            return 0; // not on this host or gone
        }
    }

    /** {busy, total} jiffies of the whole machine from /proc/stat. */
    static long[] machineTicks() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (Exception e) {
            return new long[] {0, 0};
        }
    }

    /**
     * The benchmark's process: service task {@code prepare} (job type bench-prepare), exclusive
     * gateway {@code route} ({@code amount <= 10000}), user task {@code approve}, service task
     * {@code execute} (bench-execute), end {@code done}.
     */
    public static BpmnResource fiveStepProcess() {
        return new BpmnResource(PROCESS + ".bpmn", Bpmn.convertToString(
                Bpmn.createExecutableProcess(PROCESS).startEvent("start")
                        .serviceTask("prepare", t -> t.zeebeJobType("bench-prepare"))
                        .exclusiveGateway("route").conditionExpression("amount <= 10000")
                        .userTask("approve", t -> t.zeebeUserTask().zeebeCandidateGroups("reviewers"))
                        .serviceTask("execute", t -> t.zeebeJobType("bench-execute"))
                        .endEvent("done")
                        .moveToLastExclusiveGateway().defaultFlow().endEvent("too-big")
                        .done()).getBytes(StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        int warmup = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int inFlight = Integer.parseInt(args[4]);
        int workerThreads = Integer.parseInt(args[5]);
        String label = args[6];

        AgroalDataSource ds = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(cp -> cp.maxSize(16).minSize(0).initialSize(0)
                        .connectionFactoryConfiguration(cf -> cf.jdbcUrl(url).principal(new NamePrincipal(user))
                                .credential(new SimplePassword("")))));
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").cleanDisabled(false).load().migrate();

        // The standalone factory is package-private (meant for harnesses); same engine class, plain-JDBC transactions.
        Class<?> cls = Class.forName("io.countersign.engine.embedded.EmbeddedWorkflowEngine");
        Method standalone = cls.getDeclaredMethod("standalone", DataSource.class, int.class, Duration.class);
        standalone.setAccessible(true);
        WorkflowEngine engine = (WorkflowEngine) standalone.invoke(null, COUNTER.wrap(ds), workerThreads, Duration.ofSeconds(1));
        WorkflowInspection inspection = (WorkflowInspection) engine;
        Method startLoops = cls.getDeclaredMethod("startLoops");
        startLoops.setAccessible(true);
        Method stopLoops = cls.getDeclaredMethod("stopLoops");
        stopLoops.setAccessible(true);

        engine.deploy(List.of(fiveStepProcess()));

        Semaphore slots = new Semaphore(inFlight);
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean starting = new AtomicBoolean(true);
        AtomicLong completedInWindow = new AtomicLong();
        AtomicLong completedTotal = new AtomicLong();
        AtomicLong startedTotal = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Map<Long, Long> startNanos = new ConcurrentHashMap<>();
        Recorder startCmd = new Recorder();
        Recorder completeJobCmd = new Recorder();
        Recorder inboxQuery = new Recorder();
        Recorder completeTaskCmd = new Recorder();
        Recorder endToEnd = new Recorder();
        ExecutorService reviewers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "bench-reviewer");
            t.setDaemon(true);
            return t;
        });

        JobWorkerOptions options = new JobWorkerOptions(Duration.ofSeconds(30), 64);
        engine.registerJobHandler("bench-prepare", options, job -> {
            long t0 = System.nanoTime();
            engine.completeJob(job.key(), Map.of("prepared", true));
            long t1 = System.nanoTime();
            // The reviewer's inbox: find the open user task of this instance through the interface.
            List<UserTaskView> tasks = inspection.userTasks(job.processInstanceKey());
            long t2 = System.nanoTime();
            if (measuring.get()) {
                completeJobCmd.add(t1 - t0);
                inboxQuery.add(t2 - t1);
            }
            for (UserTaskView task : tasks) {
                reviewers.execute(() -> {
                    try {
                        long s = System.nanoTime();
                        engine.completeUserTask(task.userTaskKey(), Map.of("approvedBy", "bench-reviewer"));
                        if (measuring.get()) {
                            completeTaskCmd.add(System.nanoTime() - s);
                        }
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                        System.err.println("completeUserTask failed: " + e);
                    }
                });
            }
            if (tasks.size() != 1) {
                errors.incrementAndGet();
                System.err.println("expected one user task for " + job.processInstanceKey() + ", found " + tasks.size());
            }
            return new JobResult.Handled();
        });
        engine.registerJobHandler("bench-execute", options, job -> {
            long t0 = System.nanoTime();
            engine.completeJob(job.key(), Map.of("executed", true));
            long t1 = System.nanoTime();
            Long began = startNanos.remove(job.processInstanceKey());
            if (measuring.get()) {
                completeJobCmd.add(t1 - t0);
                completedInWindow.incrementAndGet();
                if (began != null) {
                    endToEnd.add(t1 - began);
                }
            }
            completedTotal.incrementAndGet();
            slots.release();
            return new JobResult.Handled();
        });
        startLoops.invoke(engine);

        int starters = 2;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < starters; i++) {
            Thread t = new Thread(() -> {
                long n = 0;
                while (starting.get()) {
                    try {
                        if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        long s = System.nanoTime();
                        long key = engine.startInstance(PROCESS, Map.of("amount", 100 + (n++ % 5000),
                                "requestId", "bench-" + n));
                        long e = System.nanoTime();
                        startNanos.put(key, s);
                        startedTotal.incrementAndGet();
                        if (measuring.get()) {
                            startCmd.add(e - s);
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                        System.err.println("startInstance failed: " + e);
                    }
                }
            }, "bench-starter-" + i);
            t.start();
            threads.add(t);
        }
        Thread.sleep(warmup * 1000L);
        boolean pg = url.startsWith("jdbc:postgresql");
        if (pg && !Boolean.getBoolean("bench.noAnalyze")) {
            // The database was created for this run: autovacuum has not analyzed the engine's
            // tables yet (it first looks after up to a minute), so the plans cached on the pooled
            // connections still assume near-empty tables (sequential scans that grow with the
            // table). A database in service has been analyzed; ANALYZE here measures that state.
            // -Dbench.noAnalyze=true measures a brand-new database instead.
            try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
                st.execute("ANALYZE");
            }
            Thread.sleep(2000);
        }
        java.lang.management.OperatingSystemMXBean os0 = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) os0;
        long[] machine0 = machineTicks();
        long pg0 = pg ? backendTicks(ds) : 0;
        long cpu0 = os.getProcessCpuTime();
        OffsetDateTime windowStart = OffsetDateTime.now();
        long w0 = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double window = (System.nanoTime() - w0) / 1e9;
        long cpu1 = os.getProcessCpuTime();
        long pg1 = pg ? backendTicks(ds) : 0;
        long[] machine1 = machineTicks();
        OffsetDateTime windowEnd = OffsetDateTime.now();
        long done = completedInWindow.get();
        starting.set(false);
        for (Thread t : threads) {
            t.join();
        }
        // Drain: every started instance must complete.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (completedTotal.get() < startedTotal.get() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        stopLoops.invoke(engine);
        reviewers.shutdown();

        long notCompleted;
        Map<String, long[]> steps = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM engine_instance WHERE state <> 'COMPLETED'")) {
                rs.next();
                notCompleted = rs.getLong(1);
            }
            // Per-step latency from the engine's element history (activation to completion) of the
            // instances started inside the measurement window.
            try (PreparedStatement ps = c.prepareStatement("SELECT e.element_id, e.started_at, e.ended_at FROM engine_element e "
                    + "JOIN engine_instance i ON i.instance_key = e.instance_key WHERE i.started_at >= ? AND i.started_at < ? "
                    + "AND e.state = 'COMPLETED' ORDER BY e.element_key")) {
                ps.setObject(1, windowStart);
                ps.setObject(2, windowEnd);
                Map<String, List<Long>> raw = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        OffsetDateTime a = rs.getObject(2, OffsetDateTime.class);
                        OffsetDateTime b = rs.getObject(3, OffsetDateTime.class);
                        raw.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                                .add(Duration.between(a, b).toNanos());
                    }
                }
                raw.forEach((k, v) -> steps.put(k, v.stream().mapToLong(Long::longValue).sorted().toArray()));
            }
        }
        long stmts = COUNTER.statements.get();
        long txs = COUNTER.connections.get();
        String db = url.startsWith("jdbc:postgresql") ? "PostgreSQL" : "H2";
        System.out.printf("engine bench [%s] %s: in-flight=%d worker-threads=%d window=%.1fs%n", label, db, inFlight,
                workerThreads, window);
        System.out.printf("completed instances: %d in window = %.1f/s; started total %d, completed total %d, "
                + "not completed in DB %d, errors %d%n", done, done / window, startedTotal.get(), completedTotal.get(),
                notCompleted, errors.get());
        System.out.printf("SQL statements prepared by the engine: %d (%.1f per started instance); connections borrowed "
                + "(= transactions): %d (%.1f per started instance)%n", stmts, (double) stmts / startedTotal.get(), txs,
                (double) txs / startedTotal.get());
        if (COUNTER.bySql != null) {
            COUNTER.bySql.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue().get(), x.getValue().get())).limit(40)
                    .forEach(e -> System.out.printf("  %6.2f/instance  %s%n", (double) e.getValue().get() / startedTotal.get(),
                            e.getKey().length() > 160 ? e.getKey().substring(0, 160) : e.getKey()));
        }
        long doneForCpu = Math.max(1, done);
        double jvmMs = (cpu1 - cpu0) / 1e6 / doneForCpu;
        double pgMs = (pg1 - pg0) * 10.0 / doneForCpu; // USER_HZ = 100: one tick is 10 ms
        double busy = machine1[0] - machine0[0];
        double total = machine1[1] - machine0[1];
        System.out.printf("CPU per completed instance: bench JVM (engine%s) %.2f ms%s; total %.2f ms -> %.0f instances/s "
                + "if both cores were ours; machine busy %.0f%% during the window (other users' load included)%n",
                pg ? " + JDBC" : " + H2", jvmMs, pg ? String.format(" + PostgreSQL backends %.2f ms", pgMs) : "",
                jvmMs + pgMs, 2000.0 / (jvmMs + pgMs), total == 0 ? 0 : 100 * busy / total);
        System.out.println("end-to-end (start call to last job completed): " + endToEnd.summary());
        System.out.println("startInstance:    " + startCmd.summary());
        System.out.println("completeJob:      " + completeJobCmd.summary());
        System.out.println("userTasks query:  " + inboxQuery.summary());
        System.out.println("completeUserTask: " + completeTaskCmd.summary());
        System.out.println("per step (element activated -> completed, from engine_element):");
        for (String id : List.of(PROCESS, "start", "prepare", "route", "approve", "execute", "done")) {
            long[] v = steps.getOrDefault(id, new long[0]);
            System.out.printf("  %-16s n=%d p50=%.2fms p99=%.2fms%n", id, v.length, pct(v, 50), pct(v, 99));
        }
        ds.close();
        System.exit(errors.get() == 0 && notCompleted == 0 ? 0 : 1);
    }
}
