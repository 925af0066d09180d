package io.countersign.review;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One user task as the inbox shows it (written by the task listeners). Never leaves the review services. */
@Entity
@Table(name = "inbox_task")
public class InboxTask extends PanacheEntityBase {

    public static final String OPEN = "OPEN";
    static final String DECIDED = "DECIDED";
    static final String CLOSED = "CLOSED";

    @Id
    @Column(name = "task_key")
    public long taskKey;

    @Column(name = "request_id")
    public UUID requestId;

    @Column(name = "process_instance_key")
    public long processInstanceKey;

    @Column(name = "review_round")
    public int round;

    public String state;

    public String assignee;

    @Column(name = "due_at")
    public OffsetDateTime dueAt;

    @Column(name = "agent_id")
    public String agentId;

    @Column(name = "action_type")
    public String type;

    public String environment;

    public String summary;

    public String risk;

    @Column(name = "risk_rank")
    public int riskRank;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "closed_at")
    public OffsetDateTime closedAt;
}
