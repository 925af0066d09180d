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

    /** Whether the task is still open (the inbox query reads only these rows); cleared with {@link #closeTask}. */
    @Column(name = "task_open")
    public boolean taskOpen;

    static InboxTaskGroup of(long taskKey, String group) {
        InboxTaskGroup g = new InboxTaskGroup();
        g.id = new Key(taskKey, group);
        g.taskOpen = true;
        return g;
    }

    /** Marks the group rows of a task that was decided or closed. */
    static void closeTask(long taskKey) {
        update("taskOpen = false where id.taskKey = ?1", taskKey);
    }
}
