package io.countersign.identity;

import io.countersign.common.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin API of the agent registry. Agents are disabled, never deleted (their history stays). */
@Path("/api/v1/admin/agents")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Agent registry")
public class AgentAdminResource {

    @Inject
    AgentRegistry registry;

    @Inject
    CallerIdentity caller;

    @GET
    @Operation(summary = "List registered agents")
    public List<AgentView> list() {
        return registry.list();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get one agent")
    public AgentView get(@PathParam("id") String id) {
        return registry.get(id);
    }

    @POST
    @Operation(summary = "Register an agent", description = "Scope (types, target globs, environments), owner and quotas.")
    public Response create(AgentInput input, @Context UriInfo uri) {
        AgentView created = registry.create(requireBody(input), caller.id());
        return Response.created(uri.getAbsolutePathBuilder().path(created.id()).build()).entity(created).build();
    }

    @PUT
    @Path("{id}")
    @Operation(summary = "Replace an agent's registration", description = "Set enabled=false to disable the agent.")
    public AgentView replace(@PathParam("id") String id, AgentInput input) {
        return registry.replace(id, requireBody(input), caller.id());
    }

    private static AgentInput requireBody(AgentInput input) {
        if (input == null) {
            throw ProblemException.badRequest("missing-body", "A JSON body is required.");
        }
        return input;
    }
}
