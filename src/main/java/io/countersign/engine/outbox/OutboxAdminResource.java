package io.countersign.engine.outbox;

import io.countersign.common.delivery.DeliveryStatus;
import io.countersign.identity.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin API of the engine-command outbox: see the backlog and parked commands, retry them. */
@Path("/api/v1/admin/outbox")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Engine outbox")
public class OutboxAdminResource {

    @Inject
    OutboxAdminService service;

    @GET
    @Operation(summary = "Outbox counts and entries", description = "status=PARKED (default), PENDING, DELIVERED or ALL")
    public OutboxAdminService.OutboxOverview list(@QueryParam("status") @DefaultValue("PARKED") String status,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        return service.overview(DeliveryStatus.filter(status), limit);
    }

    @POST
    @Path("{id}/retry")
    @Operation(summary = "Retry one parked entry")
    public OutboxEntry retry(@PathParam("id") long id) {
        return service.retry(id);
    }

    @POST
    @Path("retry-parked")
    @Operation(summary = "Retry every parked entry")
    public OutboxAdminService.RetryResult retryAll() {
        return service.retryAllParked();
    }
}
