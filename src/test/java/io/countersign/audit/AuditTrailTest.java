package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditTrailTest {

    @Inject
    AuditTrail trail;
    @Inject
    AuditVerifier verifier;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void recordRefusesToRunOutsideTheCallersTransaction() {
        assertThrows(TransactionalException.class,
                () -> trail.record(ActorKind.SYSTEM, "test", null, "test.no-tx", Map.of()));
    }

    @Test
    void eventOfARolledBackTransactionIsNeverWrittenNorChained() throws Exception {
        long[] id = new long[1];
        String marker = "rolled-back-" + UUID.randomUUID();
        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            id[0] = trail.record(ActorKind.AGENT, marker, null, "test.rollback", Map.of("x", 1));
            throw new IllegalStateException("the guarded change failed");
        }));
        assertTrue(id[0] > 0);
        assertEquals(OptionalLong.empty(), trail.sequenceOf(id[0]));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_event WHERE actor_id = ?")) {
            ps.setString(1, marker);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getLong(1));
            }
        }
    }

    @Test
    void committedEventGetsASequenceNumberAndHashesLinkingToItsPredecessor() throws Exception {
        UUID request = UUID.randomUUID();
        long id = QuarkusTransaction.requiringNew().call(() -> trail.record(ActorKind.USER, "rita", request, "action.approved",
                Map.of("agentId", "agent-7", "amount", 12.5, "note", "ok")));
        long seq = trail.awaitSequence(id, Duration.ofSeconds(30));
        assertTrue(seq >= 1);
        assertEquals(OptionalLong.of(seq), trail.sequenceOf(id));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT e.prev_hash, p.hash, e.agent_id, e.data FROM audit_event e "
                        + "LEFT JOIN audit_event p ON p.seq = e.seq - 1 WHERE e.id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(seq == 1 ? AuditCodec.GENESIS_HASH : rs.getString(2), rs.getString(1));
                assertEquals("agent-7", rs.getString(3));
                assertEquals("{\"agentId\":\"agent-7\",\"amount\":12.5,\"note\":\"ok\"}", rs.getString(4));
            }
        }
    }

    @Test
    void eightConcurrentWritersProduceOneGapFreeChainThatVerifies() throws Exception {
        int writers = 8;
        int transactions = 30;
        String run = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Callable<List<Long>> task = () -> {
                List<Long> ids = new ArrayList<>();
                for (int t = 0; t < transactions; t++) {
                    int tx = t;
                    ids.addAll(QuarkusTransaction.requiringNew().call(() -> {
                        UUID request = UUID.randomUUID();
                        List<Long> inTx = new ArrayList<>();
                        for (int e = 0; e < 3; e++) {
                            inTx.add(trail.record(ActorKind.AGENT, "writer-" + writer, request, "test.concurrent",
                                    Map.of("run", run, "tx", tx, "event", e)));
                        }
                        return inTx;
                    }));
                }
                return ids;
            };
            futures.add(pool.submit(task));
        }
        List<Long> ids = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            ids.addAll(f.get());
        }
        pool.shutdown();
        assertEquals(writers * transactions * 3, ids.size());
        TreeSet<Long> seqs = new TreeSet<>();
        for (long id : ids) {
            seqs.add(trail.awaitSequence(id, Duration.ofSeconds(60)));
        }
        assertEquals(ids.size(), seqs.size(), "every event has its own sequence number");
        AuditViews.Verification v = verifier.verify("test");
        assertTrue(v.ok(), v.message());
        assertTrue(v.events() >= seqs.last(), "the verified chain reaches the last concurrent event");
        // Gap-free: every number from 1 to the head is used exactly once.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(DISTINCT seq), MIN(seq), MAX(seq) FROM audit_event "
                        + "WHERE seq IS NOT NULL")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(rs.getLong(1), rs.getLong(2));
                assertEquals(1, rs.getLong(3));
                assertEquals(rs.getLong(1), rs.getLong(4));
            }
        }
        // Stamped by one clock, no event can be sequenced before it occurred: the sequencer must
        // take its time after it has read the batch (events committed while it set aside foreign
        // rows were once stamped "sequenced" up to milliseconds before they occurred).
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_event WHERE sequenced_at < occurred_at")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getLong(1), "events whose sequenced_at precedes their occurred_at");
            }
        }
    }

    @Test
    void awaitSequenceOfAnUnknownEventFailsWithA503Problem() {
        io.countersign.common.ProblemException e = assertThrows(io.countersign.common.ProblemException.class,
                () -> trail.awaitSequence(Long.MAX_VALUE, Duration.ofMillis(100)));
        assertEquals(503, e.status());
    }
}
