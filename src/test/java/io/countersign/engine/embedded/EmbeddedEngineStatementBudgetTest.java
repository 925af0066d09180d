package io.countersign.engine.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.bench.CountingDataSource;
import io.countersign.bench.EngineBench;
import io.countersign.engine.JobResult;
import io.countersign.engine.ProcessInstanceState;
import io.countersign.engine.UserTaskView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Guards the per-instance database cost of the embedded engine (docs/benchmarks.md, "Embedded engine"):
 * one instance of the benchmark's five-step process, driven through the interface on a
 * standalone engine, must stay within a fixed number of transactions and statements. The count
 * is deterministic: jobs go straight to the registered workers (no claiming transaction) and
 * the loops are idle (poll interval of an hour).
 */
class EmbeddedEngineStatementBudgetTest {

    /**
     * Statements of the four engine commands below, measured on this branch: start 5, completeJob 9,
     * completeUserTask 9, completeJob (last step, completes the instance) 10 (docs/benchmarks.md).
     */
    static final int STATEMENT_BUDGET = 33;

    @Test
    void fiveStepInstanceStaysWithinItsTransactionAndStatementBudget() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:budget-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        h2.setUser("sa");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration").load().migrate();
        CountingDataSource counter = new CountingDataSource(true);
        EmbeddedWorkflowEngine engine = EmbeddedWorkflowEngine.standalone(counter.wrap(h2), 2, Duration.ofHours(1));
        engine.deploy(List.of(EngineBench.fiveStepProcess()));
        CountDownLatch prepared = new CountDownLatch(1);
        CountDownLatch executed = new CountDownLatch(1);
        // Handlers complete their jobs themselves so the test knows when each command committed.
        engine.registerJobHandler("bench-prepare", job -> {
            engine.completeJob(job.key(), Map.of("prepared", true));
            prepared.countDown();
            return new JobResult.Handled();
        });
        engine.registerJobHandler("bench-execute", job -> {
            engine.completeJob(job.key(), Map.of("executed", true));
            executed.countDown();
            return new JobResult.Handled();
        });
        engine.startLoops();
        try {
            Thread.sleep(500); // let both loops finish their first (empty) poll
            counter.bySql.clear();
            long s0 = counter.statements.get();
            long c0 = counter.connections.get();

            long instance = engine.startInstance(EngineBench.PROCESS, Map.of("amount", 100, "requestId", "budget"));
            assertTrue(prepared.await(30, TimeUnit.SECONDS), "prepare job delivered and completed");
            long s1 = counter.statements.get();
            List<UserTaskView> tasks = engine.userTasks(instance);
            long inboxStatements = counter.statements.get() - s1;
            assertEquals(1, tasks.size());
            engine.completeUserTask(tasks.get(0).userTaskKey(), Map.of("approvedBy", "budget"));
            assertTrue(executed.await(30, TimeUnit.SECONDS), "execute job delivered and completed");

            long statements = counter.statements.get() - s0 - inboxStatements;
            long transactions = counter.connections.get() - c0 - 1;
            String profile = counter.bySql.entrySet().stream()
                    .map(e -> e.getValue() + "  " + e.getKey()).sorted().collect(Collectors.joining("\n"));
            assertEquals(4, transactions, "start, completeJob, completeUserTask, completeJob; no job activation "
                    + "transactions\n" + profile);
            assertTrue(statements <= STATEMENT_BUDGET, statements + " statements > budget " + STATEMENT_BUDGET
                    + "\n" + profile);
            assertEquals(1, inboxStatements, "userTasks of an instance with an open task is one query");
            assertEquals(ProcessInstanceState.COMPLETED, engine.findInstance(instance).orElseThrow().state());
            assertEquals(Map.of("amount", 100, "requestId", "budget", "prepared", true, "approvedBy", "budget",
                    "executed", true), engine.variables(instance));
            System.out.println("five-step instance: " + transactions + " transactions, " + statements + " statements");
        } finally {
            engine.stopLoops();
        }
    }
}
