package io.countersign.action;

import io.countersign.common.OptionalBody;
import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import io.countersign.common.Violations;
import io.countersign.identity.AgentRegistry;
import io.countersign.identity.CallerIdentity;
import io.countersign.identity.Roles;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The agent-facing action API: submit, read (with long-poll), list, cancel, report outcome. */
@Path("/api/v1/actions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.AGENT)
@Tag(name = "Actions")
public class ActionRequestResource {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,6})(ms|s|m)");
    private static final String EXAMPLE = """
            {"type":"payment.transfer","target":"acct:treasury/eur-main","environment":"production",
             "summary":"Pay invoice 2026-117 to ACME GmbH","justification":"Invoice due today; PO 4411 approved",
             "payload":{"amount":"12500.00","currency":"EUR",
                        "beneficiary":{"name":"ACME GmbH","iban":"DE89370400440532013000"},"reference":"INV-2026-117"}}""";

    private static final String EXAMPLE_CHANGES_REQUESTED = """
            {"id":"0b6f4c8e-52a1-4b0e-9a57-3c2f1d7e8a90","agentId":"demo-payments-agent","type":"payment.transfer",
             "target":"acct:treasury/eur-main","environment":"production","status":"CHANGES_REQUESTED",
             "payloadSha256":"9c1e5f0b7a3d2e8c4b6a1f9e0d7c3b5a2e8f4d6c1b9a7e3f5d0c2b8a6e4f1d3c",
             "decisions":[
              {"reviewer":"fred","decision":"APPROVE","comment":"amount matches the invoice","round":0,
               "payloadSha256":"9c1e5f0b7a3d2e8c4b6a1f9e0d7c3b5a2e8f4d6c1b9a7e3f5d0c2b8a6e4f1d3c",
               "decidedAt":"2026-12-03T09:12:44.120Z"},
              {"reviewer":"fiona","decision":"REQUEST_CHANGES","comment":"Use the new IBAN","round":0,
               "payloadSha256":"9c1e5f0b7a3d2e8c4b6a1f9e0d7c3b5a2e8f4d6c1b9a7e3f5d0c2b8a6e4f1d3c",
               "decidedAt":"2026-12-03T09:20:02.511Z"}]}""";

    @Inject
    ActionSubmissions submissions;

    @Inject
    ActionService actions;

    @Inject
    DecisionWaiters waiters;

    @Inject
    CallerIdentity caller;

    @Inject
    ActionConfig config;

    @Inject
    AgentRegistry registry;

    /** Every action endpoint is for registered, enabled agents only (the token only identifies). */
    private String agentId() {
        return registry.requireEnabled(caller.id()).id();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit an action request",
            description = "Scope check, policy, and either an immediate decision (DENIED / APPROVED) or PENDING_REVIEW. "
                    + "Retries with the same Idempotency-Key and body replay the first response.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.OBJECT), examples = @ExampleObject(name = "payment", value = EXAMPLE)))
    @APIResponse(responseCode = "201", description = "Request recorded; see status for the decision")
    @APIResponse(responseCode = "400", description = "Invalid body; errors[] names each bad field")
    @APIResponse(responseCode = "403", description = "Agent not registered or disabled")
    @APIResponse(responseCode = "409", description = "Same Idempotency-Key is being processed concurrently")
    @APIResponse(responseCode = "413", description = "Body larger than countersign.actions.max-body-bytes")
    @APIResponse(responseCode = "415", description = "Content type is not application/json")
    @APIResponse(responseCode = "422", description = "Idempotency-Key reused with a different body")
    @APIResponse(responseCode = "429", description = "Per-agent quota exceeded; see Retry-After")
    public Response submit(@HeaderParam("Idempotency-Key") @Parameter(required = true,
            description = "Unique per logical request, e.g. a UUID; kept at least 24 hours") String idempotencyKey,
            @HeaderParam("Content-Length") Long contentLength, InputStream body, @Context UriInfo uri) {
        byte[] bytes = readLimited(body, contentLength);
        ActionService.SubmissionResult result = submissions.submit(caller.id(), idempotencyKey, bytes);
        Response.ResponseBuilder rb = Response.status(result.status()).entity(result.body())
                .type(MediaType.APPLICATION_JSON)
                .location(uri.getBaseUriBuilder().path("api/v1/actions").path(result.requestId().toString()).build());
        if (result.replayed()) {
            rb.header("Idempotent-Replayed", "true");
        }
        return rb.build();
    }

    @GET
    @Path("{id}")
    @Blocking
    @Operation(summary = "Get one of your requests",
            description = "With wait (e.g. 30s, 500ms, PT30S; at most 60 s) the call returns as soon as a pending "
                    + "request is decided, or with the unchanged request when the wait ends.")
    @APIResponse(responseCode = "200", description = "The request with its current status; for a request routed to "
            + "review, decisions lists every reviewer's decision with its comment, oldest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ActionView.class),
                    examples = @ExampleObject(name = "changes-requested", value = EXAMPLE_CHANGES_REQUESTED)))
    @APIResponse(responseCode = "404", description = "No such request for this agent")
    @APIResponse(responseCode = "429", description = "The agent already has countersign.actions.max-long-polls-per-agent "
            + "long-polls waiting; see Retry-After")
    public Uni<ActionView> get(@PathParam("id") String id, @QueryParam("wait") String wait) {
        UUID requestId = parseId(id);
        Duration waitFor = parseWait(wait);
        String agentId = agentId();
        if (waitFor.isZero()) {
            return Uni.createFrom().item(actions.get(agentId, requestId));
        }
        CompletableFuture<Void> woken = waiters.register(requestId);
        ActionView now;
        try {
            now = actions.get(agentId, requestId);
        } catch (RuntimeException e) {
            waiters.unregister(requestId, woken);
            throw e;
        }
        if (now.status() != ActionStatus.PENDING_REVIEW) {
            waiters.unregister(requestId, woken);
            return Uni.createFrom().item(now);
        }
        int max = config.maxLongPollsPerAgent();
        if (!waiters.tryPark(agentId, max)) {
            waiters.unregister(requestId, woken);
            throw new ProblemException(429, "too-many-long-polls", "Too many long-polls",
                    "This agent already has " + max + " long-polls waiting here; let one return (or read without wait) "
                            + "before starting another.", List.of(), Map.of("Retry-After", "5"));
        }
        return DecisionWaiters.asUni(woken)
                .ifNoItem().after(waitFor).recoverWithItem((Void) null)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(x -> actions.get(agentId, requestId))
                .onTermination().invoke(() -> {
                    waiters.unregister(requestId, woken);
                    waiters.unpark(agentId);
                });
    }

    @GET
    @Operation(summary = "List your requests", description = "Newest first; pass nextCursor as cursor for the next page.")
    public ActionPage list(@QueryParam("status") String status, @QueryParam("type") String type,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        Violations v = new Violations();
        ActionStatus st = null;
        if (status != null) {
            try {
                st = ActionStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                v.add("status", "must be one of " + Arrays.toString(ActionStatus.values()));
            }
        }
        OffsetDateTime f = timestamp(from, "from", v);
        OffsetDateTime t = timestamp(to, "to", v);
        int max = config.maxPageSize();
        v.check(limit == null || (limit >= 1 && limit <= max), "limit", "must be between 1 and " + max);
        v.check(cursor == null || ActionService.Cursor.parse(cursor).isPresent(), "cursor", ActionService.Cursor.INVALID);
        v.throwIfAny();
        return actions.list(agentId(), new ActionQuery(st, type, f, t, cursor, limit == null ? 50 : limit));
    }

    @POST
    @Path("{id}/cancel")
    @Consumes(MediaType.APPLICATION_JSON)
    @OptionalBody
    @Operation(summary = "Cancel your pending request",
            description = "The body ({\"reason\":\"…\"}) is optional; without one, no Content-Type is needed.")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CancelInput.class)))
    @APIResponse(responseCode = "200", description = "The request, CANCELLED")
    @APIResponse(responseCode = "409", description = "The request is no longer pending")
    public ActionView cancel(@PathParam("id") String id, CancelInput input) {
        if (input != null && input.reason() != null
                && (input.reason().length() > 2000 || !Violations.wellFormedText(input.reason()))) {
            throw ProblemException.validation(List.of(new Problem.FieldError("reason",
                    "at most 2000 characters, no control characters")));
        }
        return actions.cancel(agentId(), parseId(id), input == null ? null : input.reason());
    }

    @POST
    @Path("{id}/revisions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Revise your request after a reviewer asked for changes",
            description = "Body: summary, justification and payload (validated like a submission for the request's "
                    + "type). The request gets a new payload digest and goes back to PENDING_REVIEW; approvals given "
                    + "to earlier revisions no longer count.")
    @APIResponse(responseCode = "200", description = "The revised request, PENDING_REVIEW again")
    @APIResponse(responseCode = "400", description = "Invalid body; errors[] names each bad field")
    @APIResponse(responseCode = "404", description = "No such request for this agent")
    @APIResponse(responseCode = "409", description = "The request is not CHANGES_REQUESTED")
    public ActionView revise(@PathParam("id") String id, @HeaderParam("Content-Length") Long contentLength,
            InputStream body) {
        UUID requestId = parseId(id);
        String agentId = agentId();
        byte[] bytes = readLimited(body, contentLength);
        ActionView current = actions.get(agentId, requestId);
        return actions.revise(agentId, requestId, ActionSubmission.parseRevision(bytes, current.type(),
                current.target(), current.environment()));
    }

    @POST
    @Path("{id}/outcome")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Report the outcome of your approved request")
    @APIResponse(responseCode = "409", description = "The request is not APPROVED (or already reported)")
    public ActionView outcome(@PathParam("id") String id, OutcomeInput input) {
        if (input == null || input.outcome() == null) {
            throw ProblemException.validation(List.of(new Problem.FieldError("outcome",
                    "required: one of EXECUTED, EXECUTION_FAILED")));
        }
        if (input.detail() != null && (input.detail().length() > 4000
                || !Violations.wellFormedText(input.detail()))) {
            throw ProblemException.validation(List.of(new Problem.FieldError("detail", "at most 4000 characters, no control characters")));
        }
        return actions.reportOutcome(agentId(), parseId(id), input.outcome().status, input.detail());
    }

    /** Optional body of the cancel call. */
    public record CancelInput(String reason) {
    }

    /** Body of the outcome call. */
    public record OutcomeInput(Outcome outcome, String detail) {
    }

    /**
     * What an agent may report: its own type (not {@link ActionStatus}), so that an unknown value
     * is refused by the JSON mapping naming exactly these two (ProblemMappers).
     */
    public enum Outcome {
        EXECUTED(ActionStatus.EXECUTED), EXECUTION_FAILED(ActionStatus.EXECUTION_FAILED);

        final ActionStatus status;

        Outcome(ActionStatus status) {
            this.status = status;
        }
    }

    private byte[] readLimited(InputStream in, Long contentLength) {
        int max = config.maxBodyBytes();
        if (contentLength != null && contentLength > max) {
            throw tooLarge(max);
        }
        try {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw tooLarge(max);
            }
            if (bytes.length == 0) {
                throw ProblemException.badRequest("missing-body", "A JSON body is required.");
            }
            return bytes;
        } catch (IOException e) {
            throw ProblemException.badRequest("unreadable-body", "The request body could not be read.");
        }
    }

    private static ProblemException tooLarge(int max) {
        return new ProblemException(413, "payload-too-large", "Payload too large",
                "The request body exceeds the limit of " + max + " bytes.");
    }

    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No action request " + id + ".");
        }
    }

    private Duration parseWait(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        Duration d = null;
        Matcher m = SHORT_DURATION.matcher(wait);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
        } else {
            try {
                d = Duration.parse(wait);
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        if (d == null || d.isNegative() || d.compareTo(config.maxWait()) > 0) {
            throw ProblemException.validation(List.of(new Problem.FieldError("wait",
                    "must be a duration such as 30s, 500ms or PT30S, at most " + config.maxWait().toSeconds() + " s")));
        }
        return d;
    }

    private static OffsetDateTime timestamp(String s, String field, Violations v) {
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s);
        } catch (DateTimeParseException e) {
            v.add(field, "must be an RFC 3339 timestamp such as 2026-11-25T10:00:00Z");
            return null;
        }
    }
}
