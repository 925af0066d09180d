package io.countersign.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routes the start refuses, each problem named by its key; good routes pass. */
class RouteProblemsTest {

    static NotificationConfig config(Map<String, String> properties) {
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(NotificationConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
        return c.getConfigMapping(NotificationConfig.class);
    }

    static final String R = "countersign.notifications.routes.";

    @Test
    void everyProblemIsNamedWithItsKey() {
        NotificationConfig c = config(Map.of(
                R + "a.webhook-url", "http://hooks.example.com/x",
                R + "a.webhook-secret", "s3cret",
                R + "b.teams-webhook-url", "https://user:pw@teams.example.com/x",
                R + "c.webhook-url", "https://hooks.example.com/c",
                R + "d.webhook-secret", ChatFakes.HOOK_SECRET,
                R + "e.teams-webhook-url", "ftp://teams.example.com/x"));
        assertThat(ReviewerNotices.routeProblems(c)).containsExactly(
                R + "a.webhook-url must be https (plain http only to hosts in countersign.notifications.allow-http-hosts)",
                R + "a.webhook-secret must start with whsec_",
                R + "b.teams-webhook-url must be an absolute URL with a host and without credentials",
                R + "c.webhook-secret is required with webhook-url",
                R + "d.webhook-secret is set but webhook-url is not",
                R + "e.teams-webhook-url must be https (plain http only to hosts in countersign.notifications.allow-http-hosts)");
    }

    @Test
    void aSlackRouteNeedsTheAppsSecretsAndAChannelId() {
        assertThat(ReviewerNotices.routeProblems(config(Map.of(R + "dba.slack-channel", "#dba-approvals",
                "countersign.notifications.slack.decide-max-risk", "extreme")))).containsExactly(
                "countersign.notifications.slack.bot-token is required with a slack-channel route",
                "countersign.notifications.slack.signing-secret is required with a slack-channel route",
                "countersign.notifications.slack.team-id is required with a slack-channel route",
                "countersign.notifications.slack.decide-max-risk must be low, medium, high, critical or none",
                R + "dba.slack-channel must be a channel id such as C0123ABCD (not a name: messages are updated by id)");
    }

    @Test
    void httpsRoutesAndAllowedHttpHostsPass() {
        NotificationConfig c = config(Map.of(
                "countersign.notifications.allow-http-hosts", "relay.internal",
                R + "a.webhook-url", "http://relay.internal:8080/x",
                R + "a.webhook-secret", ChatFakes.HOOK_SECRET + "," + io.countersign.common.webhook.StandardWebhooks.newSecret(),
                R + "b.teams-webhook-url", "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual",
                R + "c.email", "false"));
        assertThat(ReviewerNotices.routeProblems(c)).isEmpty();
    }
}
