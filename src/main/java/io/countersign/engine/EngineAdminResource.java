package io.countersign.engine;

import io.countersign.identity.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operator view of a process instance in the workflow engine, through {@link WorkflowInspection}. */
@Path("/api/v1/admin/engine")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Workflow engine")
public class EngineAdminResource {

    /** An instance with what is active in it, its open incidents and its open user tasks. */
    public record InstanceReport(ProcessInstanceView instance, List<ElementInstanceView> activeElements,
            List<IncidentView> incidents, List<UserTaskView> userTasks) {
    }

    @Inject
    WorkflowInspection inspection;

    @GET
    @Path("instances/{instanceKey}")
    @Operation(summary = "A process instance: state, active elements, open incidents and user tasks",
            description = "On Camunda 8 read from its search API, which may lag a command by a moment")
    public InstanceReport instance(@PathParam("instanceKey") long instanceKey) {
        ProcessInstanceView instance = inspection.findInstance(instanceKey).orElseThrow(
                () -> new EngineNotFoundException("no process instance with key " + instanceKey));
        return new InstanceReport(instance, inspection.activeElements(instanceKey), inspection.incidents(instanceKey),
                inspection.userTasks(instanceKey));
    }
}
