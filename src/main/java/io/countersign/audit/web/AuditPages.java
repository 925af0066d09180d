package io.countersign.audit.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.audit.AuditExporter;
import io.countersign.audit.AuditQueries;
import io.countersign.audit.AuditResource;
import io.countersign.audit.AuditVerifier;
import io.countersign.audit.AuditViews;
import io.countersign.audit.AuditViews.CheckpointView;
import io.countersign.audit.AuditViews.EventView;
import io.countersign.audit.AuditViews.Verification;
import io.countersign.common.ProblemException;
import io.countersign.common.json.JsonSupport;
import io.countersign.identity.Roles;
import io.countersign.web.Csrf;
import io.countersign.web.Pages;
import io.countersign.web.SignedInPerson;
import io.countersign.web.WebSession;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The auditor pages: search the decision trail, open one request's trail, export, and verify
 * the chain. Server-rendered (no JavaScript), auditor role only, on the shared web session
 * (its cookie scoped to /audit), CSRF tokens and security headers. GETs never change the trail.
 */
@Path("/audit")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class AuditPages {

    static final int PAGE_SIZE = 50;

    @CheckedTemplate(basePath = "audit")
    static class Templates {
        static native TemplateInstance search(SignedInPerson me, Filters f, List<EventRow> rows, String nextQuery,
                CheckpointView checkpoint, Verification verification, String exportJsonl, String exportCsv,
                String error, String notice, String csrf);

        static native TemplateInstance trail(SignedInPerson me, String requestId, List<EventRow> rows, String error,
                String csrf);
    }

    /**
     * One event as shown on a page: the data pretty-printed, and its top-level fields as a
     * key/value list (Qute escapes both).
     */
    public record EventRow(Long seq, String ts, String actorKind, String actorId, String requestId, String type,
            String data, List<DataField> fields, String hash) {
        static EventRow of(EventView e) {
            List<DataField> fields = new ArrayList<>();
            if (e.data() != null && e.data().isObject()) {
                e.data().fields().forEachRemaining(f -> fields.add(DataField.of(f.getKey(), f.getValue())));
            }
            return new EventRow(e.seq(), e.ts(), e.actorKind(), e.actorId(), e.requestId(), e.type(), pretty(e.data()),
                    List.copyOf(fields), e.hash());
        }
    }

    /**
     * One top-level field of an event's data: a string as it is, a number, boolean or null as
     * JSON, an object or array as pretty-printed JSON ({@code structured}, shown as a block).
     */
    public record DataField(String key, String value, boolean structured) {
        static DataField of(String key, JsonNode value) {
            if (value.isTextual()) {
                return new DataField(key, value.asText(), false);
            }
            return new DataField(key, pretty(value), value.isContainerNode());
        }
    }

    private static String pretty(JsonNode node) {
        try {
            return JsonSupport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException ex) {
            return String.valueOf(node);
        }
    }

    /** The search form's values as typed, for re-display and for the paging and export links. */
    public record Filters(String type, String agent, String request, String actor, String from, String to) {
    }

    @Inject
    WebSession session;
    @Inject
    Csrf csrf;
    @Inject
    Pages pages;
    @Inject
    AuditQueries queries;
    @Inject
    AuditVerifier verifier;
    @Inject
    AuditExporter exporter;

    @GET
    public Response search(@QueryParam("type") String type, @QueryParam("agent") String agent,
            @QueryParam("request") String request, @QueryParam("actor") String actor, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("before") String before, @QueryParam("notice") String notice) {
        SignedInPerson me = auditor();
        Filters f = new Filters(trim(type), trim(agent), trim(request), trim(actor), trim(from), trim(to));
        List<String> errors = new ArrayList<>();
        UUID requestId = requestId(f.request(), errors);
        Instant fromTime = time("From", f.from(), false, errors);
        Instant toTime = time("To", f.to(), true, errors);
        Long beforeSeq = null;
        if (before != null && !before.isBlank()) {
            try {
                beforeSeq = Long.parseLong(before.strip());
            } catch (NumberFormatException e) {
                errors.add("The page marker must be a whole number.");
            }
        }
        CheckpointView checkpoint = queries.latestCheckpoint().orElse(null);
        Verification verification = verifier.last().orElse(null);
        String noticeText = "verified".equals(notice) ? "Verification finished; the result is below." : null;
        if (!errors.isEmpty()) {
            return page(Templates.search(me, f, List.of(), null, checkpoint, verification, null, null,
                    String.join(" ", errors), noticeText, token()), 400);
        }
        AuditViews.EventPage result = queries.search(new AuditQueries.EventFilter(f.agent(), f.type(), requestId,
                f.actor(), fromTime, toTime), beforeSeq, PAGE_SIZE);
        List<EventRow> rows = result.events().stream().map(EventRow::of).toList();
        Map<String, String> params = filterParams(f);
        String nextQuery = null;
        if (result.nextBefore() != null) {
            Map<String, String> next = new LinkedHashMap<>(params);
            next.put("before", result.nextBefore().toString());
            nextQuery = query(next);
        }
        // The export links carry every filter of the page: the export holds the events shown (all pages of them).
        Map<String, String> export = new LinkedHashMap<>(params);
        export.put("format", "jsonl");
        String jsonl = "/audit/export" + query(export);
        export.put("format", "csv");
        String csv = "/audit/export" + query(export);
        return page(Templates.search(me, f, rows, nextQuery, checkpoint, verification, jsonl, csv, null, noticeText,
                token()), 200);
    }

    @GET
    @Path("requests/{id}")
    public Response trail(@PathParam("id") String id) {
        SignedInPerson me = auditor();
        UUID requestId;
        try {
            requestId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return page(Templates.trail(me, id, List.of(), "Request ID must be a UUID.", token()), 400);
        }
        try {
            List<EventRow> rows = queries.requestTrail(requestId).events().stream().map(EventRow::of).toList();
            return page(Templates.trail(me, requestId.toString(), rows, null, token()), 200);
        } catch (ProblemException e) {
            if (e.status() != 404) {
                throw e;
            }
            return page(Templates.trail(me, requestId.toString(), List.of(), "No audit events for this request.",
                    token()), 404);
        }
    }

    @POST
    @Path("verify")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response verify(@FormParam("_csrf") String formToken) {
        SignedInPerson me = auditor();
        csrf.verify(formToken);
        verifier.verify(me.subject());
        return Response.seeOther(URI.create("/audit?notice=verified")).build();
    }

    @POST
    @Path("sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut(@FormParam("_csrf") String formToken) {
        csrf.verify(formToken);
        return session.signOut();
    }

    @GET
    @Path("export")
    @Produces({ AuditResource.JSONL, "text/csv", MediaType.TEXT_HTML, MediaType.APPLICATION_JSON })
    public Response export(@QueryParam("format") String format, @QueryParam("type") String type,
            @QueryParam("agent") String agent, @QueryParam("request") String request, @QueryParam("actor") String actor,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        auditor();
        String fmt = format == null || format.isBlank() ? "jsonl" : format.strip();
        List<String> errors = new ArrayList<>();
        if (!fmt.equals("jsonl") && !fmt.equals("csv")) {
            errors.add("Format must be jsonl or csv.");
        }
        UUID requestId = requestId(trim(request), errors);
        Instant fromTime = time("From", trim(from), false, errors);
        Instant toTime = time("To", trim(to), true, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("invalid-export-filter", String.join(" ", errors));
        }
        AuditExporter.ExportRequest req = exporter.prepare(null, null, fromTime, toTime, trim(agent), trim(type), requestId,
                trim(actor));
        String name = "countersign-audit-" + req.fromSeq() + "-" + req.toSeq() + "." + fmt;
        StreamingOutput body = fmt.equals("csv") ? out -> exporter.writeCsv(req, out)
                : out -> exporter.writeJsonl(req, out);
        return Response.ok(body, fmt.equals("csv") ? "text/csv; charset=utf-8" : AuditResource.JSONL)
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                .build();
    }

    // ------------------------------------------------------------------ helpers

    /**
     * A time bound: an ISO-8601 instant, a form's local date-time (taken as UTC) or a date. An
     * upper bound includes the instant given, or the whole day of a date.
     */
    static Instant time(String label, String value, boolean upper, List<String> errors) {
        if (value == null) {
            return null;
        }
        try {
            Instant t = Instant.parse(value);
            return upper ? t.plusMillis(1) : t;
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            Instant t = LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            // "2025-01-31T12:00" (a form's minute) as an upper bound includes that whole minute
            return upper ? t.plusMillis(value.length() == 16 ? 60_000 : 1) : t;
        } catch (DateTimeParseException e) {
            // try a date
        }
        try {
            LocalDate d = LocalDate.parse(value);
            return (upper ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(label + " must be a date (2025-01-31), a date and time (2025-01-31T12:00) or an ISO-8601 "
                    + "instant (2025-01-31T12:00:00Z).");
            return null;
        }
    }

    /** The request filter as a UUID, null when absent; a malformed one is reported under its parameter name. */
    private static UUID requestId(String value, List<String> errors) {
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            errors.add("Request ID must be a UUID (parameter request).");
            return null;
        }
    }

    private static Map<String, String> filterParams(Filters f) {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "type", f.type());
        put(m, "agent", f.agent());
        put(m, "request", f.request());
        put(m, "actor", f.actor());
        put(m, "from", f.from());
        put(m, "to", f.to());
        return m;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static String query(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.length() == 0 ? '?' : '&').append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return sb.toString();
    }

    private static String trim(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private String token() {
        return csrf.token();
    }

    private Response page(TemplateInstance t, int status) {
        return pages.render(t.data("audit", true), status, WebSession.AUDIT_PATH);
    }

    /** The signed-in auditor (another role's session gets 403), or a 303 to the sign-in page. */
    private SignedInPerson auditor() {
        return session.requireOrRefuse(Roles.AUDITOR,
                "The auditor pages need the auditor role; sign in with an auditor account.");
    }
}
