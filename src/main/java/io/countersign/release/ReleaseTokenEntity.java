package io.countersign.release;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One issued release token (table release_token); stays inside the release service. */
@Entity
@Table(name = "release_token")
public class ReleaseTokenEntity extends PanacheEntityBase {

    @Id
    @Column(name = "jti")
    public String jti;

    @Column(name = "request_id", nullable = false)
    public UUID requestId;

    /** 1 for the first token of a request, +1 for each re-issue after an unused one expired. */
    @Column(name = "generation", nullable = false)
    public int generation;

    @Column(name = "agent_id", nullable = false)
    public String agentId;

    @Column(name = "audience", nullable = false)
    public String audience;

    @Column(name = "action_type", nullable = false)
    public String actionType;

    @Column(name = "payload_sha256", nullable = false)
    public String payloadSha256;

    @Column(name = "kid", nullable = false)
    public String kid;

    @Column(name = "token", nullable = false)
    public String token;

    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "superseded_at")
    public Instant supersededAt;

    @Column(name = "redeemed_at")
    public Instant redeemedAt;

    @Column(name = "redeemed_by")
    public String redeemedBy;
}
