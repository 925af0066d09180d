package io.countersign.inbox;

import io.countersign.review.InboxChanged;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The NOTIFY payload of an inbox change:
 * {@code inbox:<replica>:<kind>:<requestId>:<taskKey>:<assignee>:<groups>}, assignee and each
 * group URL-encoded (so they never contain {@code :} or {@code ,}), groups comma-separated.
 * When the groups would push the payload past PostgreSQL's limit (shorter than 8000 bytes)
 * they are sent as {@value #GROUPS_OMITTED} and the receiver reads them from the database.
 */
public final class InboxChangePayload {

    public static final String PREFIX = "inbox:";
    /** Stands for "read the task's groups from the database"; URL encoding never produces it. */
    public static final String GROUPS_OMITTED = "?";
    /** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
    static final int MAX_BYTES = 7999;

    /** A decoded payload; {@code change.groups()} is empty when {@code groupsOmitted}. */
    record Decoded(String replicaId, InboxChanged change, boolean groupsOmitted) {
    }

    private InboxChangePayload() {
    }

    /** The payload of {@code change} sent by {@code replicaId}, or null when it cannot fit even without the groups. */
    public static String encode(String replicaId, InboxChanged change) {
        String head = PREFIX + replicaId + ":" + change.kind() + ":" + change.requestId() + ":" + change.taskKey() + ":"
                + (change.assignee() == null ? "" : enc(change.assignee())) + ":";
        StringBuilder groups = new StringBuilder();
        for (String g : change.groups()) {
            groups.append(groups.length() == 0 ? "" : ",").append(enc(g));
        }
        // Only ASCII after URL encoding: characters are bytes.
        if (head.length() + groups.length() <= MAX_BYTES) {
            return head + groups;
        }
        return head.length() + GROUPS_OMITTED.length() <= MAX_BYTES ? head + GROUPS_OMITTED : null;
    }

    /** Parses and validates a payload; IllegalArgumentException names what is wrong. */
    static Decoded decode(String payload) {
        if (!payload.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not an inbox change");
        }
        String[] p = payload.substring(PREFIX.length()).split(":", -1);
        if (p.length != 6) {
            throw new IllegalArgumentException("expected 6 fields after the prefix, got " + p.length);
        }
        String replicaId = uuid(p[0], "replica id").toString();
        String kind = p[1];
        if (!InboxChanged.KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown kind");
        }
        UUID requestId = uuid(p[2], "request id");
        long taskKey;
        try {
            taskKey = Long.parseLong(p[3]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task key is not a number");
        }
        String assignee = p[4].isEmpty() ? null : dec(p[4], "assignee");
        boolean omitted = GROUPS_OMITTED.equals(p[5]);
        Set<String> groups = new LinkedHashSet<>();
        if (!omitted && !p[5].isEmpty()) {
            for (String g : p[5].split(",", -1)) {
                groups.add(dec(g, "group"));
            }
        }
        return new Decoded(replicaId, new InboxChanged(requestId, taskKey, kind, groups, assignee), omitted);
    }

    private static UUID uuid(String s, String what) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not a UUID");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s, String what) {
        String d;
        try {
            d = URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not URL-encoded");
        }
        if (d.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        return d;
    }
}
