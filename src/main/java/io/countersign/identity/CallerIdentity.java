package io.countersign.identity;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is calling the API: the verified bearer token's subject, roles and reviewer groups. Read
 * from the security identity only when SmallRye JWT verified it from the Authorization header
 * (a {@link JsonWebTokenCredential}); the web pages' OIDC session is never an API caller (and
 * quarkus-oidc's own {@code JsonWebToken} producer would answer with its ID or access token).
 */
@RequestScoped
public class CallerIdentity {

    @Inject
    SecurityIdentity identity;

    @Inject
    IdentityConfig config;

    /** The bearer token, or null for a caller without one (anonymous). */
    private JsonWebToken jwt() {
        return identity.getCredential(JsonWebTokenCredential.class) != null
                && identity.getPrincipal() instanceof JsonWebToken jwt ? jwt : null;
    }

    /** The token subject: an agent id for agents, a user id for people; null without a bearer token. */
    public String id() {
        JsonWebToken jwt = jwt();
        return jwt == null ? null : jwt.getSubject();
    }

    public boolean hasRole(String role) {
        JsonWebToken jwt = jwt();
        return jwt != null && jwt.getGroups() != null && jwt.getGroups().contains(role);
    }

    /** Reviewer groups from the configured claim, without the role names. */
    public Set<String> reviewerGroups() {
        JsonWebToken jwt = jwt();
        return jwt == null ? Set.of() : ReviewerGroups.of(jwt.getClaim(config.reviewerGroupsClaim()));
    }
}
