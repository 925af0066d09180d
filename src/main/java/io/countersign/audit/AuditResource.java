package io.countersign.audit;

import io.countersign.audit.witness.WitnessRequirement;
import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import io.countersign.common.Violations;
import io.countersign.identity.CallerIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/** Auditor API of the decision trail: checkpoints, proofs, export, request trails and verification. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    /** Media type of JSON Lines exports. */
    public static final String JSONL = "application/x-ndjson";

    @Inject
    CallerIdentity caller;

    @Inject
    AuditQueries queries;
    @Inject
    AuditExporter exporter;
    @Inject
    AuditVerifier verifier;

    @GET
    @Path("checkpoints")
    @RolesAllowed({ "auditor", "admin" })
    public AuditViews.CheckpointList checkpoints(@QueryParam("before") String before, @QueryParam("limit") String limit) {
        Violations v = new Violations();
        long n = parseLong("limit", limit, 20L, 1, 1000, v);
        Long b = parseLong("before", before, null, 1, Long.MAX_VALUE, v);
        v.throwIfAny();
        return queries.checkpoints(b, (int) n);
    }

    @GET
    @Path("checkpoints/{treeSize}")
    @RolesAllowed({ "auditor", "admin" })
    public AuditViews.CheckpointView checkpoint(@PathParam("treeSize") String treeSize) {
        Violations v = new Violations();
        long size = parseLong("treeSize", treeSize, 0L, 1, Long.MAX_VALUE, v);
        v.throwIfAny();
        return queries.checkpoint(size).orElseThrow(() -> ProblemException.notFound("No checkpoint of tree size " + size + "."));
    }

    @GET
    @Path("checkpoint-key")
    @RolesAllowed({ "auditor", "admin" })
    public AuditViews.CheckpointKey checkpointKey() {
        return queries.checkpointKey();
    }

    @GET
    @Path("proofs/inclusion")
    @RolesAllowed({ "auditor", "admin" })
    public AuditViews.InclusionProof inclusion(@QueryParam("seq") String seq, @QueryParam("treeSize") String treeSize) {
        Violations v = new Violations();
        Long s = required("seq", seq, v);
        Long size = parseLong("treeSize", treeSize, null, 1, Long.MAX_VALUE, v);
        v.throwIfAny();
        return queries.inclusionProof(s, size);
    }

    @GET
    @Path("proofs/consistency")
    @RolesAllowed({ "auditor", "admin" })
    public AuditViews.ConsistencyProof consistency(@QueryParam("from") String from, @QueryParam("to") String to) {
        Violations v = new Violations();
        Long f = required("from", from, v);
        Long t = required("to", to, v);
        v.throwIfAny();
        return queries.consistencyProof(f, t);
    }

    @GET
    @Path("requests/{requestId}")
    @RolesAllowed("auditor")
    public AuditViews.RequestTrail requestTrail(@PathParam("requestId") String requestId) {
        return queries.requestTrail(parseUuid("requestId", requestId));
    }

    @GET
    @Path("verify")
    @RolesAllowed("auditor")
    public AuditViews.Verification verify(@QueryParam("witness") List<String> witness,
            @QueryParam("witnessQuorum") Integer witnessQuorum, @QueryParam("minTreeSize") Long minTreeSize) {
        WitnessRequirement required;
        try {
            required = WitnessRequirement.of(witness, witnessQuorum, minTreeSize);
        } catch (WitnessRequirement.Invalid e) {
            throw ProblemException.validation(List.of(new Problem.FieldError(e.field(), e.getMessage())));
        }
        return verifier.verify(caller.id(), required);
    }

    @GET
    @Path("export")
    @RolesAllowed("auditor")
    @Produces({ JSONL, "text/csv", MediaType.APPLICATION_JSON })
    public Response export(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("agent") String agent,
            @QueryParam("type") String type, @QueryParam("request") String request, @QueryParam("actor") String actor,
            @QueryParam("format") String format) {
        Violations v = new Violations();
        String fmt = format == null ? "jsonl" : format;
        v.check(fmt.equals("jsonl") || fmt.equals("csv"), "format", "must be jsonl or csv");
        Bound f = bound("from", from, false, v);
        Bound t = bound("to", to, true, v);
        UUID requestId = blankToNull(request) == null ? null : parseUuid("request", request.strip(), v);
        // Bounds of one kind compare here; a sequence number against a time needs the trail, and an
        // empty range from them (or from bounds beyond the trail) is an empty export, not an error.
        if (f.seq != null && t.seq != null && f.seq > t.seq) {
            v.add("to", "must not be before from (from=" + f.seq + ", to=" + t.seq + ")");
        } else if (f.time != null && t.time != null && !f.time.isBefore(t.time)) {
            v.add("to", "must not be before from (from=" + from.strip() + ", to=" + to.strip() + ")");
        }
        v.throwIfAny();
        AuditExporter.ExportRequest req = exporter.prepare(f.seq, t.seq, f.time, t.time, blankToNull(agent), blankToNull(type),
                requestId, blankToNull(actor));
        String name = "countersign-audit-" + req.fromSeq() + "-" + req.toSeq() + "." + fmt;
        StreamingOutput body = fmt.equals("csv") ? out -> exporter.writeCsv(req, out) : out -> exporter.writeJsonl(req, out);
        return Response.ok(body, fmt.equals("csv") ? "text/csv; charset=utf-8" : JSONL)
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    private record Bound(Long seq, Instant time) {
    }

    /**
     * A bound is a sequence number, an ISO-8601 instant or a date (UTC; a "to" date includes the
     * whole day); a malformed one is added to {@code v} and read as absent.
     */
    private static Bound bound(String name, String value, boolean upper, Violations v) {
        if (value == null || value.isBlank()) {
            return new Bound(null, null);
        }
        String s = value.strip();
        if (s.chars().allMatch(Character::isDigit)) {
            try {
                return new Bound(Long.parseLong(s), null);
            } catch (NumberFormatException e) {
                v.add(name, "must be between 0 and " + Long.MAX_VALUE);
                return new Bound(null, null);
            }
        }
        try {
            Instant t = Instant.parse(s);
            return new Bound(null, upper ? t.plusMillis(1) : t);
        } catch (DateTimeParseException e) {
            try {
                LocalDate d = LocalDate.parse(s);
                return new Bound(null, (upper ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant());
            } catch (DateTimeParseException e2) {
                v.add(name, "must be a sequence number, an ISO-8601 instant (2025-01-31T12:00:00Z) or a date (2025-01-31)");
                return new Bound(null, null);
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A required whole number; a missing or malformed one is added to {@code v} (then null). */
    private static Long required(String name, String value, Violations v) {
        if (value == null || value.isBlank()) {
            v.add(name, "is required");
            return null;
        }
        return parseLong(name, value, null, 0, Long.MAX_VALUE, v);
    }

    /** {@code value} as a whole number in [min, max], {@code dflt} when absent; a bad one is added to {@code v}. */
    private static Long parseLong(String name, String value, Long dflt, long min, long max, Violations v) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n < min || n > max) {
                v.add(name, "must be between " + min + " and " + max);
                return dflt;
            }
            return n;
        } catch (NumberFormatException e) {
            v.add(name, "must be a whole number");
            return dflt;
        }
    }

    static UUID parseUuid(String name, String value) {
        Violations v = new Violations();
        UUID id = parseUuid(name, value, v);
        v.throwIfAny();
        return id;
    }

    /** {@code value} as a UUID; a malformed one is added to {@code v} (then null). */
    private static UUID parseUuid(String name, String value, Violations v) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            v.add(name, "must be a UUID");
            return null;
        }
    }
}
