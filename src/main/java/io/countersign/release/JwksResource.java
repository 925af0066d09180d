package io.countersign.release;

import io.countersign.common.JwksContributor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Countersign's public keys as a JWK Set (RFC 7517): the release signing key, verify-only
 * release keys and keys of {@link JwksContributor}s. Public by design; clients may cache it.
 */
@Path("/.well-known/jwks.json")
public class JwksResource {

    /** JWK members that would disclose private or symmetric key material. */
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "k", "oth");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ReleaseKeys keys;

    @Inject
    ReleaseConfig config;

    @Inject
    Instance<JwksContributor> contributors;

    @GET
    @PermitAll
    @Produces({"application/jwk-set+json", MediaType.APPLICATION_JSON})
    public Response jwks() throws JsonProcessingException {
        List<Map<String, Object>> all = new ArrayList<>(keys.publicJwks());
        Set<Object> kids = new HashSet<>();
        all.forEach(k -> kids.add(k.get("kid")));
        for (JwksContributor contributor : contributors) {
            for (Map<String, Object> jwk : contributor.jwks()) {
                Object kid = jwk.get("kid");
                if (kid == null || jwk.keySet().stream().anyMatch(PRIVATE_MEMBERS::contains)) {
                    Log.errorf("Not publishing a JWK from %s: it has no kid or carries private key material",
                            contributor.getClass().getName());
                } else if (!kids.add(kid)) {
                    Log.errorf("Not publishing JWK %s from %s: the kid is already published", kid, contributor.getClass().getName());
                } else {
                    all.add(jwk);
                }
            }
        }
        // Public keys: any cache may keep them, for less than the token lifetime (see docs/executors.md).
        return Response.ok(JSON.writeValueAsString(Map.of("keys", all)))
                .header("Cache-Control", "public, max-age=" + config.jwks().maxAge().toSeconds()).build();
    }
}
