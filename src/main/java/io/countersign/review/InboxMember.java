package io.countersign.review;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;

/** A person seen at sign-in with one of their reviewer groups (reassignment candidates). */
@Entity
@Table(name = "inbox_member")
public class InboxMember extends PanacheEntityBase {

    /** User and group. */
    @Embeddable
    public record Key(@Column(name = "user_id") String userId, @Column(name = "group_name") String groupName)
            implements Serializable {
    }

    @EmbeddedId
    public Key id;

    @Column(name = "last_seen")
    public OffsetDateTime lastSeen;
}
