package io.countersign.identity.dev;

import io.countersign.common.ProblemException;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** Dev (and demo) build profile only: tokens of the demo identities. Absent from the packaged application. */
@IfBuildProfile(anyOf = {"dev", "demo"})
@Path("/dev/tokens")
@PermitAll
public class DevTokenResource {

    /** One demo identity's token and what it can do. */
    public record DevToken(String description, String token) {
    }

    @Inject
    DemoIdentities demo;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, DevToken> tokens() {
        Map<String, String> descriptions = demo.descriptions();
        Map<String, DevToken> out = new LinkedHashMap<>();
        demo.tokens().forEach((who, token) -> out.put(who, new DevToken(descriptions.get(who), token)));
        return out;
    }

    /** Just the token, as plain text, for shell scripts: {@code TOKEN=$(curl -s .../dev/tokens/dora)}. */
    @GET
    @Path("{subject}")
    @Produces(MediaType.TEXT_PLAIN)
    public String token(@PathParam("subject") String subject) {
        String token = demo.tokens().get(subject);
        if (token == null) {
            throw ProblemException.notFound("No demo identity '" + subject + "'; see GET /dev/tokens.");
        }
        return token;
    }
}
