package io.countersign.action;

import io.countersign.identity.StringListConverter;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** One action an agent asked to perform, with the decision about it. Never leaves the action services. */
@Entity
@Table(name = "action_request")
public class ActionRequest extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "agent_id")
    public String agentId;

    @Column(name = "action_type")
    public String type;

    public String target;

    public String environment;

    public String summary;

    public String justification;

    /** RFC 8785 canonical JSON of the payload; the digest is computed over exactly these bytes. */
    public String payload;

    @Column(name = "payload_sha256")
    public String payloadSha256;

    @Enumerated(EnumType.STRING)
    public ActionStatus status;

    @Column(name = "status_reason")
    public String statusReason;

    public String risk;

    @Column(name = "policy_version")
    public String policyVersion;

    @Column(name = "policy_rule")
    public String policyRule;

    @Convert(converter = StringListConverter.class)
    @Column(name = "review_groups")
    public List<String> reviewGroups;

    @Column(name = "review_approvals")
    public Integer reviewApprovals;

    @Column(name = "review_timeout_seconds")
    public Long reviewTimeoutSeconds;

    @Column(name = "review_escalation_group")
    public String reviewEscalationGroup;

    /** The channels the policy's rule named for telling the reviewers (null: all the routes have). */
    @Convert(converter = StringListConverter.class)
    @Column(name = "review_notify")
    public List<String> reviewNotify;

    /** User ids of the people who approved (empty for policy auto-approvals). */
    @Convert(converter = StringListConverter.class)
    public List<String> approvers;

    @Column(name = "outcome_detail")
    public String outcomeDetail;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Column(name = "decided_at")
    public OffsetDateTime decidedAt;
}
