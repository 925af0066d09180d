package io.countersign.notification;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** The verified e-mail address a person's ID token carried at their latest sign-in. */
@Entity
@Table(name = "person_contact")
public class PersonContact extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public String userId;

    public String email;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
