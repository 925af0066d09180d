package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sequencer's locking read of the chain head, racing a holder of the lock that writes a
 * checkpoint (another thread's {@code checkpointNow}, another replica): the waiter must see the
 * checkpoint the holder committed. On PostgreSQL a waiting {@code SELECT … FOR UPDATE} reads the
 * head as committed but its EXISTS against its older snapshot, so it once reported the fresh
 * checkpoint missing and "repaired" the trail with a false alarm event (CI, WitnessedTrailTest).
 * Runs on copies of the two tables in a scratch schema, so the live trail is never touched.
 */
@QuarkusTest
class AuditHeadLockTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aWaiterForTheHeadLockSeesTheCheckpointItsHolderCommitted() throws Exception {
        String schema = "head_lock_" + Long.toHexString(System.nanoTime());
        try (Connection holder = dataSource.getConnection(); Connection waiter = dataSource.getConnection()) {
            boolean pg = holder.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
            try {
                exec(holder, "CREATE SCHEMA " + schema);
                exec(holder, "CREATE TABLE " + schema + ".audit_chain_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, "
                        + "hash VARCHAR(64) NOT NULL, frontier TEXT NOT NULL, checkpoint_size BIGINT NOT NULL, "
                        + "checkpoint_at TIMESTAMP WITH TIME ZONE)");
                exec(holder, "CREATE TABLE " + schema + ".audit_checkpoint (tree_size BIGINT PRIMARY KEY, "
                        + "root_hash VARCHAR(64) NOT NULL, issued_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "key_id VARCHAR(8) NOT NULL, note TEXT NOT NULL, frontier TEXT NOT NULL)");
                exec(holder, "INSERT INTO " + schema + ".audit_checkpoint VALUES (1, 'r1', CURRENT_TIMESTAMP, 'k', 'n', 'f')");
                exec(holder, "INSERT INTO " + schema + ".audit_chain_head VALUES (1, 2, 'h', 'f', 1, CURRENT_TIMESTAMP)");
                useSchema(holder, pg, schema);
                useSchema(waiter, pg, schema);

                // the holder locks the head, writes checkpoint 2 and moves the head to it ...
                holder.setAutoCommit(false);
                AuditSequencer.lockHead(holder);
                exec(holder, "INSERT INTO audit_checkpoint VALUES (2, 'r2', CURRENT_TIMESTAMP, 'k', 'n', 'f')");
                exec(holder, "UPDATE audit_chain_head SET checkpoint_size = 2 WHERE id = 1");
                // ... while the waiter's locking read of the head queues behind it
                waiter.setAutoCommit(false);
                CompletableFuture<AuditSequencer.Head> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return AuditSequencer.lockHead(waiter);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                awaitWaiting(holder, pg, read);
                holder.commit();

                AuditSequencer.Head head = read.get(30, TimeUnit.SECONDS);
                waiter.rollback();
                assertEquals(2, head.checkpointSize());
                assertTrue(head.checkpointPresent(), "the checkpoint the lock holder committed is reported missing");
            } finally {
                holder.rollback();
                waiter.rollback();
                holder.setAutoCommit(true);
                waiter.setAutoCommit(true);
                useSchema(holder, pg, null);
                useSchema(waiter, pg, null);
                exec(holder, "DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /** Until the waiter queues for the lock: PostgreSQL says so; H2 (no such view) gets a moment. */
    private static void awaitWaiting(Connection holder, boolean pg, CompletableFuture<?> read) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !read.isDone()) {
            if (!pg) {
                Thread.sleep(300);
                return;
            }
            try (Statement st = holder.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the waiter never queued for the head's lock" + (read.isDone() ? ": " + read.get() : ""));
    }

    private static void useSchema(Connection c, boolean pg, String schema) throws SQLException {
        exec(c, pg ? (schema == null ? "RESET search_path" : "SET search_path TO " + schema)
                : "SET SCHEMA " + (schema == null ? "PUBLIC" : schema));
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
