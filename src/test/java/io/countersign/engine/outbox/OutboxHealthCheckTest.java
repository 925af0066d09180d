package io.countersign.engine.outbox;

import io.countersign.common.delivery.DeliveryStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * The outbox readiness check without a database: counts come from a stub store. An unreadable
 * outbox (the database is down) must be reported as DOWN with the reason, not thrown (SmallRye
 * Health logs a thrown exception as an error on every probe during an outage).
 */
class OutboxHealthCheckTest {

    static OutboxHealthCheck check(OutboxStore store, boolean downWhenParked) {
        OutboxHealthCheck check = new OutboxHealthCheck();
        check.store = store;
        check.config = (OutboxConfig) java.lang.reflect.Proxy.newProxyInstance(OutboxConfig.class.getClassLoader(),
                new Class<?>[] {OutboxConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("healthDownWhenParked")) {
                        return downWhenParked;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return check;
    }

    static OutboxStore counting(long pending, long parked) {
        return new OutboxStore() {
            @Override
            public Map<DeliveryStatus, Long> counts() {
                Map<DeliveryStatus, Long> counts = new EnumMap<>(DeliveryStatus.class);
                for (DeliveryStatus s : DeliveryStatus.values()) {
                    counts.put(s, 0L);
                }
                counts.put(DeliveryStatus.PENDING, pending);
                counts.put(DeliveryStatus.PARKED, parked);
                return counts;
            }
        };
    }

    @Test
    void unreadableOutboxIsDownWithTheReasonInsteadOfAnException() {
        OutboxStore broken = new OutboxStore() {
            @Override
            public Map<DeliveryStatus, Long> counts() {
                throw new IllegalStateException("could not count the outbox",
                        new SQLException("Connection to 127.0.0.1:5432 refused", "08001"));
            }
        };
        HealthCheckResponse response = check(broken, false).call();
        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals("engine-outbox", response.getName());
        assertTrue(response.getData().orElseThrow().get("error").toString().contains("Connection to 127.0.0.1:5432 refused"));
    }

    @Test
    void parkedRowsAreDegradedButUpUnlessConfiguredDown() {
        HealthCheckResponse up = check(counting(3, 1), false).call();
        assertEquals(HealthCheckResponse.Status.UP, up.getStatus());
        assertEquals("degraded", up.getData().orElseThrow().get("state"));
        assertEquals(3L, up.getData().orElseThrow().get("pending"));
        assertEquals(HealthCheckResponse.Status.DOWN, check(counting(0, 1), true).call().getStatus());
        HealthCheckResponse ok = check(counting(0, 0), true).call();
        assertEquals(HealthCheckResponse.Status.UP, ok.getStatus());
        assertEquals("ok", ok.getData().orElseThrow().get("state"));
    }
}
