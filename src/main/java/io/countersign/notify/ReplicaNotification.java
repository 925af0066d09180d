package io.countersign.notify;

/**
 * A notification sent by a replica (this one included) sharing the PostgreSQL database, fired
 * after it arrived. The payload is whatever the sender gave {@link PostgresNotifications#publish};
 * each feature recognises its own payloads (by a prefix it owns) and ignores the others.
 */
public record ReplicaNotification(String payload) {

    /** The rest of the payload after {@code prefix}, or null when the payload does not start with it. */
    public String after(String prefix) {
        return payload.startsWith(prefix) ? payload.substring(prefix.length()) : null;
    }
}
