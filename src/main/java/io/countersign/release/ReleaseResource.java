package io.countersign.release;

import io.countersign.identity.CallerIdentity;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Executors redeem release tokens here, once. The caller must hold the configured executor
 * role and be mapped to the release's audience ({@link ReleaseConfig#executors()}), unless
 * anonymous redemption is enabled and no bearer token is sent (then the token alone is the credential).
 */
@Path("/api/v1/releases")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ReleaseResource {

    @Inject
    ReleaseService releases;

    @Inject
    ReleaseConfig config;

    @Inject
    SecurityIdentity identity;

    @Inject
    CallerIdentity caller;

    /** 200 with the verified claims the first time; 409 on replay; 410 once expired. */
    @POST
    @Path("/{jti}/redeem")
    @PermitAll // the role check below depends on configuration, which annotations cannot express
    public RedeemedRelease redeem(@PathParam("jti") String jti, RedeemBody body) {
        String redeemer = null;
        if (identity.isAnonymous()) {
            if (!config.redeem().anonymous()) {
                throw new UnauthorizedException();
            }
        } else if (identity.hasRole(config.redeem().role())) {
            redeemer = caller.id(); // the subject: upn and preferred_username are not identifiers
        } else {
            throw new ForbiddenException();
        }
        return releases.redeem(jti, body == null ? null : body.token(), redeemer);
    }
}
