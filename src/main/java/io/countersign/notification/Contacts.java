package io.countersign.notification;

import io.countersign.identity.Identities;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where people are reached: the verified address the identity provider gave at their latest
 * sign-in (docs/notifications.md says why this and not a directory copy). A sign-in without a
 * verified address forgets the old one, so an address the provider withdrew is not used.
 */
@ApplicationScoped
public class Contacts {

    /** A person and the address they are e-mailed at. */
    public record Contact(String userId, String email) {
    }

    /** Records the address a person signed in with (null: none, or not verified). */
    @Transactional
    public void remember(String userId, String email) {
        PersonContact c = PersonContact.findById(userId);
        if (email == null) {
            if (c != null) {
                c.delete();
            }
            return;
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (c == null) {
            c = new PersonContact();
            c.userId = userId;
            c.email = email;
            c.updatedAt = now;
            c.persist();
        } else if (!email.equals(c.email)) {
            c.email = email;
            c.updatedAt = now;
        }
    }

    /** The address of one person, if known. */
    public Optional<String> emailOf(String userId) {
        if (userId == null) {
            return Optional.empty();
        }
        PersonContact c = PersonContact.findById(userId);
        return Optional.ofNullable(c).map(p -> p.email);
    }

    /** Those of {@code userIds} with a known address, one per person and one per address, in the given order. */
    public List<Contact> withEmail(List<String> userIds) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        Map<String, String> byUser = new LinkedHashMap<>();
        PersonContact.<PersonContact>list("userId in ?1", userIds).forEach(c -> byUser.put(c.userId, c.email));
        Map<String, Contact> byAddress = new LinkedHashMap<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (String u : userIds) {
            String email = byUser.get(u);
            if (email != null && seen.putIfAbsent(Identities.key(u), true) == null) {
                byAddress.putIfAbsent(email.toLowerCase(Locale.ROOT), new Contact(u, email));
            }
        }
        return List.copyOf(byAddress.values());
    }
}
