package io.countersign.engine.camunda;

import static org.assertj.core.api.Assertions.assertThat;

import io.camunda.zeebe.gateway.protocol.GatewayGrpc;
import io.camunda.zeebe.gateway.protocol.GatewayOuterClass.ActivateJobsRequest;
import io.camunda.zeebe.gateway.protocol.GatewayOuterClass.ActivatedJob;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fake gateway's long polling, which bench/replica-idle.sh relies on: by default an empty
 * activate-jobs request is answered after 500 ms (tests stay quick); with the cap lifted it is held
 * for the request's own timeout, as a real gateway does, and still answered as soon as a job
 * arrives. Every request is counted by job type. Bounds are one-sided where the machine's load
 * could stretch them.
 */
class FakeGatewayLongPollTest {

    @Test
    void defaultCapAnswersAnEmptyPollAfterHalfASecond() throws Exception {
        try (FakeCamundaGateway fake = FakeCamundaGateway.onFreePorts().start()) {
            Poll poll = activate(fake, "idle-type", Duration.ofSeconds(10));
            assertThat(poll.jobs()).isEmpty();
            assertThat(poll.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(FakeCamundaGateway
                    .DEFAULT_LONG_POLL_CAP_MILLIS)).isLessThan(Duration.ofSeconds(8));
            assertThat(fake.activateRequests.get("idle-type")).hasValue(1);
            assertThat(fake.activateRequestCount()).isEqualTo(1);
            assertThat(fake.lastActivateRequestTimeout).hasValue(10_000);
        }
    }

    @Test
    void liftedCapHoldsAnEmptyPollForTheRequestTimeout() throws Exception {
        try (FakeCamundaGateway fake = FakeCamundaGateway.onFreePorts().longPollCap(null).start()) {
            Poll poll = activate(fake, "idle-type", Duration.ofSeconds(2));
            assertThat(poll.jobs()).isEmpty();
            assertThat(poll.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            activate(fake, "other-type", Duration.ofMillis(100));
            assertThat(fake.activateRequests).containsOnlyKeys("idle-type", "other-type");
            assertThat(fake.activateRequestCount()).isEqualTo(2);
        }
    }

    @Test
    void liftedCapStillAnswersAsSoonAsAJobArrives() throws Exception {
        try (FakeCamundaGateway fake = FakeCamundaGateway.onFreePorts().longPollCap(null).start()) {
            CompletableFuture<Poll> poll = CompletableFuture.supplyAsync(() -> {
                try {
                    return activate(fake, "work", Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            long key = fake.queueServiceTaskJob("work", "task", fake.nextKey(), Map.of("n", 1), 3);
            Poll answered = poll.get(30, TimeUnit.SECONDS);
            assertThat(answered.jobs()).extracting(ActivatedJob::getKey).containsExactly(key);
            assertThat(answered.elapsed()).isLessThan(Duration.ofSeconds(30));
        }
    }

    private record Poll(List<ActivatedJob> jobs, Duration elapsed) {
    }

    private static Poll activate(FakeCamundaGateway fake, String type, Duration requestTimeout)
            throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forTarget(fake.grpcAddress().replace("http://", ""))
                .usePlaintext().build();
        try {
            long start = System.nanoTime();
            List<ActivatedJob> jobs = new ArrayList<>();
            GatewayGrpc.newBlockingStub(channel).withDeadlineAfter(90, TimeUnit.SECONDS)
                    .activateJobs(ActivateJobsRequest.newBuilder().setType(type).setWorker("test")
                            .setMaxJobsToActivate(5).setTimeout(60_000)
                            .setRequestTimeout(requestTimeout.toMillis()).build())
                    .forEachRemaining(response -> jobs.addAll(response.getJobsList()));
            return new Poll(jobs, Duration.ofNanos(System.nanoTime() - start));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
