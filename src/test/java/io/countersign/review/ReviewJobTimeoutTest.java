package io.countersign.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.countersign.engine.ActivatedJob;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The review process's jobs are locked for {@code countersign.review.job-timeout}, not the
 * engine's five-minute default: a job whose worker hangs, or died with its node, is delivered
 * again after that timeout, so after a crash a review task appears within seconds. Here the
 * first delivery of the task's {@code creating} listener job hangs (a worker that will not finish
 * in time); the task must still appear, through the second delivery, while the first one hangs.
 */
@QuarkusTest
@TestProfile(ReviewJobTimeoutTest.ShortJobTimeout.class)
class ReviewJobTimeoutTest {

    public static class ShortJobTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("countersign.review.job-timeout", "2s");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(FirstCreatingDeliveryHangs.class);
        }
    }

    /** The real review service, except that the first creating-listener delivery hangs until released, then fails. */
    @Alternative
    @ApplicationScoped
    public static class FirstCreatingDeliveryHangs extends ReviewService {
        static final CountDownLatch RELEASE = new CountDownLatch(1);
        static final List<ActivatedJob> DELIVERIES = new CopyOnWriteArrayList<>();
        static final List<Long> RECEIVED_AT = new CopyOnWriteArrayList<>();

        @Override
        void onTaskCreating(ActivatedJob job) {
            RECEIVED_AT.add(System.currentTimeMillis());
            DELIVERIES.add(job);
            if (DELIVERIES.size() == 1) {
                try {
                    RELEASE.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("the hung worker gives up");
            }
            super.onTaskCreating(job);
        }
    }

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Test
    void aListenerJobWhoseWorkerHangsIsDeliveredAgainAfterTheReviewJobTimeout() throws Exception {
        List<ActivatedJob> deliveries = FirstCreatingDeliveryHangs.DELIVERIES;
        UUID id;
        try {
            String agent = agents.register();
            id = fixture.submit(agent, Payloads.schemaChange("production", "CREATE INDEX jt ON t (c)"));
            // Open in the inbox although the first delivery still hangs: delivered again after 2 s.
            await().atMost(Duration.ofSeconds(20)).until(() -> openTasks(id) == 1);
            assertThat(FirstCreatingDeliveryHangs.RELEASE.getCount()).isEqualTo(1);
            assertThat(deliveries).hasSize(2);
            assertThat(deliveries.get(1).key()).isEqualTo(deliveries.get(0).key());
            // Locked for the configured 2 s, not for the engine's five-minute default.
            long lockedFor = deliveries.get(0).deadline() - FirstCreatingDeliveryHangs.RECEIVED_AT.get(0);
            assertThat(lockedFor).isBetween(0L, 2_000L);
        } finally {
            FirstCreatingDeliveryHangs.RELEASE.countDown();
        }
        // The hung worker's late failure finds its job completed already and changes nothing: no
        // third delivery, still exactly one open task.
        Thread.sleep(3_000);
        assertThat(deliveries).hasSize(2);
        assertThat(openTasks(id)).isEqualTo(1);
    }

    private static long openTasks(UUID requestId) {
        return QuarkusTransaction.requiringNew().call(() -> InboxTask.count("requestId = ?1 and state = ?2",
                requestId, InboxTask.OPEN));
    }
}
