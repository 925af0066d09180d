package io.countersign.review;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The approval process instance of one request under review. Never leaves the review services. */
@Entity
@Table(name = "review_process")
public class ReviewProcess extends PanacheEntityBase {

    static final String RUNNING = "RUNNING";
    static final String AWAITING_REVISION = "AWAITING_REVISION";
    static final String ENDED = "ENDED";

    @Id
    @Column(name = "request_id")
    public UUID requestId;

    /** Null until the first task's {@code creating} listener reports it (the start goes through the outbox). */
    @Column(name = "process_instance_key")
    public Long processInstanceKey;

    public String state;

    /** Incremented by every "request changes": approvals of earlier rounds no longer count. */
    @Column(name = "review_round")
    public int round;

    @Column(name = "escalated_group")
    public String escalatedGroup;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
