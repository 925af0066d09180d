package io.countersign.action;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Forgets Idempotency-Key records once they are older than the configured retention. */
@ApplicationScoped
public class IdempotencyJanitor {

    @Inject
    ActionService actions;

    @Inject
    ActionConfig config;

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        int n = actions.purgeIdempotencyKeysBefore(OffsetDateTime.now(ZoneOffset.UTC).minus(config.idempotencyRetention()));
        if (n > 0) {
            Log.infof("Purged %d idempotency records older than %s", n, config.idempotencyRetention());
        }
    }
}
