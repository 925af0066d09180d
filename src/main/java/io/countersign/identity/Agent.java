package io.countersign.identity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.List;

/** A registered agent: what it may do, for whom, and how much. Never leaves the identity services. */
@Entity
@Table(name = "agent")
public class Agent extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "owner_user_id")
    public String ownerUserId;

    @Convert(converter = StringListConverter.class)
    @Column(name = "allowed_types")
    public List<String> allowedTypes;

    @Convert(converter = StringListConverter.class)
    @Column(name = "allowed_targets")
    public List<String> allowedTargets;

    @Convert(converter = StringListConverter.class)
    @Column(name = "allowed_environments")
    public List<String> allowedEnvironments;

    @Column(name = "quota_requests_per_minute")
    public int quotaRequestsPerMinute;

    @Column(name = "quota_max_pending_reviews")
    public int quotaMaxPendingReviews;

    public boolean enabled;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Version
    @Column(name = "row_version")
    public long rowVersion;
}
