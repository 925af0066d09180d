package io.countersign.identity;

import jakarta.json.JsonArray;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/** Reads reviewer groups from a token's groups claim: every entry that is not a role name. */
public final class ReviewerGroups {

    private ReviewerGroups() {
    }

    /** The reviewer groups in {@code claim} (a list or a JSON array; anything else holds none), sorted. */
    public static Set<String> of(Object claim) {
        Set<String> groups = new TreeSet<>();
        if (claim instanceof Collection<?> c) {
            c.forEach(g -> groups.add(String.valueOf(g).replace("\"", "")));
        } else if (claim instanceof JsonArray a) {
            a.forEach(v -> groups.add(v.toString().replace("\"", "")));
        }
        groups.removeAll(Roles.ALL);
        return groups;
    }
}
