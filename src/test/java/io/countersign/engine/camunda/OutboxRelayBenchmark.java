package io.countersign.engine.camunda;

import static org.awaitility.Awaitility.await;

import io.countersign.engine.BpmnResource;
import io.countersign.engine.WorkflowEngine;
import io.countersign.engine.outbox.EngineOutbox;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (surefire does not pick up *Benchmark): outbox relay throughput and the
 * latency it adds (commit to delivered) against the fake gateway. Run with
 * {@code bench/outbox-relay.sh}; it prints one result line and asserts nothing about time.
 */
@QuarkusTest
@TestProfile(OutboxOnCamundaFakeTest.CamundaFakeProfile.class)
class OutboxRelayBenchmark {

    @Inject
    EngineOutbox outbox;

    @Inject
    WorkflowEngine engine;

    @Inject
    DataSource dataSource;

    @Test
    void relayThroughputAndAddedLatency() throws Exception {
        int total = Integer.getInteger("bench.commands", 2000);
        int perTransaction = 10;
        try (FakeCamundaGateway fake = FakeCamundaGateway.onPorts(OutboxOnCamundaFakeTest.GRPC_PORT,
                OutboxOnCamundaFakeTest.REST_PORT).start()) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            String process = "bench-" + run;
            String xml = "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">"
                    + "<bpmn:process id=\"" + process + "\" isExecutable=\"true\"/></bpmn:definitions>";
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> engine.deploy(List.of(
                    new BpmnResource(process + ".bpmn", xml.getBytes(StandardCharsets.UTF_8)))) != null);
            // Warm-up: JIT, connection pools, gRPC channel.
            submit("warm-" + run, 200, perTransaction, process);
            await().atMost(Duration.ofMinutes(2)).until(() -> delivered("warm-" + run) == 200);

            long start = System.nanoTime();
            submit("bench-" + run, total, perTransaction, process);
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> delivered("bench-" + run) == total);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Long> latencies = latenciesMillis("bench-" + run);
            Collections.sort(latencies);
            Log.infof("BENCH outbox-relay: %d starts in %.2f s = %.0f/s; commit->delivered ms p50=%d p95=%d p99=%d "
                    + "max=%d (fake gateway, H2, %d per transaction)", total, seconds, total / seconds,
                    pct(latencies, 50), pct(latencies, 95), pct(latencies, 99), latencies.get(latencies.size() - 1),
                    perTransaction);

            // Light load: one command per transaction, one at a time, so the latency is what the
            // relay adds (wake-up after commit, claim, gRPC call, marking delivered), not a queue.
            for (int i = 0; i < 200; i++) {
                submit("single-" + run + "-" + i, 1, 1, process);
                int n = i;
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                        .until(() -> delivered("single-" + run + "-" + n) == 1);
            }
            List<Long> single = latenciesMillis("single-" + run);
            Collections.sort(single);
            Log.infof("BENCH outbox-relay light load: 200 single commands, commit->delivered ms p50=%d p95=%d "
                    + "p99=%d max=%d", pct(single, 50), pct(single, 95), pct(single, 99),
                    single.get(single.size() - 1));
        }
    }

    private void submit(String prefix, int count, int perTransaction, String process) {
        for (int from = 0; from < count; from += perTransaction) {
            int first = from;
            QuarkusTransaction.requiringNew().run(() -> {
                for (int i = first; i < Math.min(count, first + perTransaction); i++) {
                    outbox.enqueueStart(process, Map.of("n", i), prefix + "-" + i);
                }
            });
        }
    }

    private long delivered(String prefix) throws Exception {
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement(
                "SELECT COUNT(*) FROM outbox_command WHERE dedup_key LIKE ? AND status = 'DELIVERED'")) {
            ps.setString(1, prefix + "-%");
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private List<Long> latenciesMillis(String prefix) throws Exception {
        List<Long> result = new ArrayList<>();
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement(
                "SELECT created_at, delivered_at FROM outbox_command WHERE dedup_key LIKE ?")) {
            ps.setString(1, prefix + "-%");
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(Duration.between(rs.getObject(1, java.time.OffsetDateTime.class),
                            rs.getObject(2, java.time.OffsetDateTime.class)).toMillis());
                }
            }
        }
        return result;
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
