package io.countersign.identity;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who is calling: the verified token's subject, roles and reviewer groups. */
@RequestScoped
public class CallerIdentity {

    @Inject
    JsonWebToken jwt;

    @Inject
    IdentityConfig config;

    /** The token subject: an agent id for agents, a user id for people. */
    public String id() {
        return jwt.getSubject();
    }

    public boolean hasRole(String role) {
        return jwt.getGroups() != null && jwt.getGroups().contains(role);
    }

    /** Reviewer groups from the configured claim, without the role names. */
    public Set<String> reviewerGroups() {
        return ReviewerGroups.of(jwt.getClaim(config.reviewerGroupsClaim()));
    }
}
