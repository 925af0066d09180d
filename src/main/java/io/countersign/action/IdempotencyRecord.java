package io.countersign.action;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The first response to an agent's Idempotency-Key, replayed verbatim on retries. */
@Entity
@Table(name = "action_idempotency")
public class IdempotencyRecord extends PanacheEntityBase {

    @EmbeddedId
    public Key key;

    @Column(name = "request_sha256")
    public String requestSha256;

    @Column(name = "request_id")
    public UUID requestId;

    @Column(name = "response_status")
    public int responseStatus;

    @Column(name = "response_body")
    public String responseBody;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    /** Keys are scoped per agent: two agents may use the same key. */
    @Embeddable
    public record Key(@Column(name = "agent_id") String agentId,
            @Column(name = "idempotency_key") String idempotencyKey) implements Serializable {
    }
}
