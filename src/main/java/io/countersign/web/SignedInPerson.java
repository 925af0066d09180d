package io.countersign.web;

import io.countersign.identity.Roles;
import java.util.Set;

/**
 * A person signed in to the web pages: the token's subject (the id every decision and audit
 * event records), a name for display only (the token's {@code name} claim, else the subject;
 * never compared), their reviewer groups and their roles (the role names in the token's groups,
 * {@link Roles#ALL}); {@code email} is the verified address the token carried, else null.
 */
public record SignedInPerson(String subject, String displayName, Set<String> groups, Set<String> roles,
        String email) {

    public SignedInPerson {
        groups = Set.copyOf(groups);
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** The token carries the agent role: it belongs to an agent, which is never a person. */
    public boolean isAgent() {
        return hasRole(Roles.AGENT);
    }

    /**
     * A token with the agent role that also claims a person's role (reviewer, auditor or
     * admin): a non-human identity is never a person, so it opens no page.
     */
    public boolean isAgentClaimingAPersonsRole() {
        return isAgent() && (hasRole(Roles.REVIEWER) || hasRole(Roles.AUDITOR) || hasRole(Roles.ADMIN));
    }
}
