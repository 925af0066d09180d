package io.countersign.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.countersign.review.ReviewFixture;
import io.countersign.review.ReviewReminded;
import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No flood: a burst of 200 review requests gives each reviewer a bounded number of messages (the
 * first asks of each digest window, then one digest saying how many more), none is lost from the
 * count, and a reminder timer firing twice reminds once.
 */
@QuarkusTest
@TestProfile(NotificationsProfile.class)
class NotificationFloodTest {

    static final Pattern DIGEST = Pattern.compile("\\[Countersign\\] (\\d+) more review requests? for you");

    @Inject
    TestAgents agents;

    @Inject
    ReviewFixture fixture;

    @Inject
    NotificationFixture notices;

    @Inject
    Event<ReviewReminded> reminded;

    static List<String> subjectsTo(String address) {
        return NotificationFixture.mailTo(address).stream().map(m -> {
            try {
                return m.getSubject();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void aBurstOf200RequestsGivesEachReviewerAFewAsksAndADigestThatCountsTheRest() {
        String agent = agents.register(List.of("ops.restart"), 5000, 1000);
        String bea = "bea-" + UUID.randomUUID().toString().substring(0, 8);
        String address = bea + "@example.com";
        notices.person(bea, address, "bulk");
        for (int i = 0; i < 200; i++) {
            fixture.submit(agent, Payloads.submission("ops.restart", "svc:worker-" + i, "staging", "{\"service\":\"w" + i
                    + "\"}"));
        }
        // the digest of the burst's last window arrives at that window's end (15 s windows here)
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            List<String> s = subjectsTo(address);
            return asks(s) + held(s) == 200;
        });
        List<String> subjects = subjectsTo(address);
        long digests = subjects.stream().filter(s -> DIGEST.matcher(s).find()).count();
        assertThat(digests).as(subjects.toString()).isBetween(1L, 8L);
        assertThat(asks(subjects)).as("at most 5 asks per window").isLessThanOrEqualTo(5 * digests + 5);
        assertThat(subjects.size()).as("200 requests, a bounded number of messages").isLessThanOrEqualTo(48);
    }

    static long asks(List<String> subjects) {
        return subjects.stream().filter(s -> s.startsWith("[Countersign] Review requested: ")).count();
    }

    static long held(List<String> subjects) {
        long n = 0;
        for (String s : subjects) {
            Matcher m = DIGEST.matcher(s);
            if (m.find()) {
                n += Long.parseLong(m.group(1));
            }
        }
        return n;
    }

    @Test
    void aReminderTimerThatFiresTwiceRemindsOnce() {
        String agent = agents.register(List.of("ops.restart"), 5000, 1000);
        String cy = "cy-" + UUID.randomUUID().toString().substring(0, 8);
        String address = cy + "@example.com";
        notices.person(cy, address, "bulk");
        UUID id = fixture.submit(agent, Payloads.submission("ops.restart", "svc:api", "staging", "{\"service\":\"api\"}"));
        fixture.awaitTask(ReviewFixture.reviewer(cy, "bulk"), id);
        await().atMost(Duration.ofSeconds(30)).until(() -> subjectsTo(address).stream()
                .anyMatch(s -> s.startsWith("[Countersign] Review requested: ")));
        // a process whose timer cycles fires twice (two jobs) within the minimum interval
        QuarkusTransaction.requiringNew().run(() -> reminded.fire(new ReviewReminded(id, 1_000_001L)));
        QuarkusTransaction.requiringNew().run(() -> reminded.fire(new ReviewReminded(id, 1_000_002L)));
        await().atMost(Duration.ofSeconds(30)).until(() -> subjectsTo(address).stream()
                .anyMatch(s -> s.startsWith("[Countersign] Reminder: ")));
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(subjectsTo(address).stream().filter(s -> s.startsWith("[Countersign] Reminder: ")).count())
                .isEqualTo(1);
    }
}
