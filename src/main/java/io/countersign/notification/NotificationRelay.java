package io.countersign.notification;

import io.countersign.common.delivery.DeliveryRelay;
import io.countersign.common.delivery.DeliverySettings;
import io.countersign.common.delivery.DeliveryTable;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Delivers notification rows by channel; claiming, retries with backoff, ordering per key and
 * parking are {@link DeliveryRelay}'s (metrics {@code countersign.notifications.entries} and
 * {@code countersign.notifications.deliveries}). A channel that is down delays its rows only.
 */
@ApplicationScoped
public class NotificationRelay extends DeliveryRelay {

    @Inject
    NotificationStore store;

    @Inject
    NotificationConfig config;

    @Inject
    EmailChannel email;

    @Inject
    WebhookChannel webhook;

    @Inject
    TeamsChannel teams;

    @Inject
    SlackChannel slack;

    @Inject
    MeterRegistry registry;

    public NotificationRelay() {
        super("notification-relay", "countersign.notifications");
    }

    void onStart(@Observes StartupEvent event) {
        registerMetrics(registry);
        if (config.relayEnabled()) {
            start(registry);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    @Override
    protected DeliveryTable table() {
        return store;
    }

    @Override
    protected DeliverySettings settings() {
        return config;
    }

    @Override
    protected Outcome execute(DeliveryTable.Claimed row) {
        Notice n = Notice.read(row.payload());
        return switch (row.type()) {
            case ReviewerNotices.EMAIL -> email.send(n);
            case ReviewerNotices.WEBHOOK -> webhook.send(row.id(), n);
            case ReviewerNotices.TEAMS -> teams.send(n);
            case ReviewerNotices.SLACK -> slack.send(n);
            default -> throw new Undeliverable("unknown notification channel " + row.type());
        };
    }
}
