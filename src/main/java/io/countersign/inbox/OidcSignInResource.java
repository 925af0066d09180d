package io.countersign.inbox;

import io.countersign.identity.Roles;
import io.countersign.web.SignedInPerson;
import io.countersign.web.WebSession;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * The end of the identity provider's sign-in: {@code /auth/sign-in} needs a code-flow session
 * ({@code quarkus.http.auth.permission.sign-in}), so a browser without one is sent to the
 * provider and, after {@code /auth/callback}, comes back here; this sends the person on to the
 * page they asked for. Without OIDC (dev, tests) it is the sign-in page.
 */
@Path("/auth")
@Blocking
public class OidcSignInResource {

    @Inject
    WebSession session;

    @Inject
    SignInLanding landing;

    @GET
    @Path("sign-in")
    public Response signIn(@QueryParam("next") String next) {
        if (!session.oidc()) {
            return Response.seeOther(URI.create(WebSession.SIGN_IN_PATH)).build();
        }
        SignedInPerson p = session.current()
                .orElseThrow(() -> new WebSession.Refused("not-signed-in", "Not signed in",
                        "The identity provider's sign-in did not complete; try again.", null));
        if (!p.hasRole(Roles.REVIEWER) && !p.hasRole(Roles.AUDITOR)) {
            throw new WebSession.Refused("no-page-role", "No access yet", SignInLanding.NO_ROLE, p);
        }
        return landing.redirect(p, next).build();
    }
}
