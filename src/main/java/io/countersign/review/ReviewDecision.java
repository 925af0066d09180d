package io.countersign.review;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A reviewer's decision on one task, bound to the digest they were shown. Never leaves the review services. */
@Entity
@Table(name = "review_decision")
public class ReviewDecision extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "request_id")
    public UUID requestId;

    @Column(name = "review_round")
    public int round;

    @Column(name = "task_key")
    public long taskKey;

    public String reviewer;

    @Enumerated(EnumType.STRING)
    public Decision decision;

    @Column(name = "comment_text")
    public String comment;

    @Column(name = "payload_sha256")
    public String payloadSha256;

    @Column(name = "decided_at")
    public OffsetDateTime decidedAt;
}
