package io.countersign.release;

import io.countersign.common.json.Jcs;
import io.countersign.common.json.JsonSupport;
import java.util.List;
import java.util.UUID;

/** Small builders for release requests in Quarkus tests; every call uses fresh ids. */
final class ReleaseFixtures {

    static final String PAYLOAD = "{\"migration\":\"V7__add_column.sql\",\"sql\":\"ALTER TABLE orders ADD note TEXT\",\"timeout_s\":30}";

    private ReleaseFixtures() {
    }

    static String digest(String json) {
        try {
            return Jcs.sha256Hex(JsonSupport.MAPPER.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ReleaseRequest request(String actionType) {
        return request(UUID.randomUUID(), actionType, PAYLOAD);
    }

    static ReleaseRequest request(UUID id, String actionType, String payload) {
        return new ReleaseRequest(id, "agent-" + id.toString().substring(0, 8), actionType, "orders-db", "production",
                digest(payload), List.of("dba-dora", "dba-dan"), "12", "prod-schema-two-dbas", 1234L);
    }
}
