package io.countersign.review;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;

/** One candidate group of an inbox task. Never leaves the review services. */
@Entity
@Table(name = "inbox_task_group")
public class InboxTaskGroup extends PanacheEntityBase {

    /** Task key and group name. */
    @Embeddable
    public record Key(@Column(name = "task_key") long taskKey, @Column(name = "group_name") String groupName)
            implements Serializable {
    }

    @EmbeddedId
    public Key id;

    static InboxTaskGroup of(long taskKey, String group) {
        InboxTaskGroup g = new InboxTaskGroup();
        g.id = new Key(taskKey, group);
        return g;
    }
}
