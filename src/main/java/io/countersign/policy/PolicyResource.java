package io.countersign.policy;

import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import io.countersign.identity.CallerIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin API to inspect the policy in force and to reload it from its file. */
@Path("/api/v1/admin/policy")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Policy", description = "The rules that decide deny / auto-approve / review (docs/policy.md)")
public class PolicyResource {

    @Inject
    PolicyEvaluator evaluator;

    @Inject
    CallerIdentity caller;

    /** The policy in force: version, source and rules in evaluation order. */
    @GET
    @RolesAllowed({ "admin", "auditor" })
    @Operation(summary = "The policy in force", description = "Version (label+sha256 prefix), source and rules in evaluation order. Roles: admin, auditor.")
    @APIResponse(responseCode = "200", description = "The active policy")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    @APIResponse(responseCode = "403", description = "Caller is neither admin nor auditor")
    public PolicySummary get() {
        return evaluator.active();
    }

    /** Re-reads the configured policy file; 422 naming each violation if it is refused. */
    @POST
    @Path("reload")
    @RolesAllowed("admin")
    @Operation(summary = "Reload the policy file", description = "Re-reads the configured file. On refusal the old policy stays in force. Role: admin.")
    @APIResponse(responseCode = "200", description = "The new policy is in force")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    @APIResponse(responseCode = "403", description = "Caller is not an admin")
    @APIResponse(responseCode = "422", description = "File refused; problem+json lists each violation (rule, field, reason)")
    public PolicySummary reload() {
        try {
            return evaluator.reload(caller.id());
        } catch (PolicyLoadException e) {
            String active = evaluator.active().version();
            String detail = "The policy file " + e.source() + " was refused; policy " + active + " stays in force. "
                    + (e.violations().size() == 1 ? e.violations().get(0).describe()
                            : e.violations().size() + " problems: " + e.violations().get(0).describe() + "; …");
            throw new ProblemException(422, "invalid-policy", "Policy file refused", detail,
                    e.violations().stream().map(v -> new Problem.FieldError(v.field(),
                            (v.rule() == null ? "" : "rule '" + v.rule() + "': ") + v.message())).toList(),
                    Map.of());
        }
    }
}
