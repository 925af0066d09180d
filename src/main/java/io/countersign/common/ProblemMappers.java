package io.countersign.common;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpClosedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Field;
import java.math.BigInteger;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where exceptions become HTTP responses: always problem+json, never a stack
 * trace or a class name. Unexpected failures are logged with an id the client can quote.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return build(e.toProblem(path(uri)), e);
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, UriInfo uri) {
        return build(toProblem(e, path(uri)), null);
    }

    /** The problem a domain failure is: its kind gives the status, its code the type. */
    public static Problem toProblem(DomainException e, String instance) {
        int status = switch (e.kind()) {
            case REJECTED -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case UNAVAILABLE -> 503;
        };
        List<Problem.FieldError> errors = e.details().stream()
                .map(d -> new Problem.FieldError(d.subject(), d.reason())).toList();
        return new Problem(Problem.typeUri(e.code()), e.title(), status, e.getMessage(), instance,
                errors.isEmpty() ? null : errors);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr();
        return build(new Problem(Problem.typeUri("malformed-json"), "Malformed JSON", 400,
                "The request body is not valid JSON" + where + ".", path(uri), null), null);
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("$");
        String message = e instanceof UnrecognizedPropertyException
                ? "unknown field"
                : expected(e.getTargetType());
        return build(new Problem(Problem.typeUri("validation"), "Request is invalid", 400, field + ": " + message,
                path(uri), List.of(new Problem.FieldError(field, message))), null);
    }

    /**
     * What a value of {@code type} looks like, for a JSON value that did not map to it: an enum
     * lists its values (as JSON spells them), so a client sending {@code "DONE"} learns the
     * allowed ones.
     */
    static String expected(Class<?> type) {
        if (type == null) {
            return "has the wrong type or format";
        }
        if (type.isEnum()) {
            List<String> values = new ArrayList<>();
            for (Field f : type.getFields()) {
                if (f.isEnumConstant()) {
                    JsonProperty named = f.getAnnotation(JsonProperty.class);
                    values.add(named != null && !named.value().isEmpty() ? named.value() : f.getName());
                }
            }
            return "must be one of " + String.join(", ", values);
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "must be a string";
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == BigInteger.class) {
            return "must be a whole number";
        }
        if ((type.isPrimitive() && type != boolean.class) || Number.class.isAssignableFrom(type)) {
            return "must be a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "must be true or false";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "must be an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "must be an object";
        }
        return "has the wrong type or format";
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        return Response.fromResponse(build(new Problem(Problem.typeUri("unauthorized"), "Unauthorized", 401,
                "A valid bearer token is required.", path(uri), null), null))
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return build(new Problem(Problem.typeUri("forbidden"), "Forbidden", 403,
                "Your role does not allow this operation.", path(uri), null), null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        Response.StatusType st = e.getResponse().getStatusInfo();
        String detail = switch (status) {
            case 404 -> "No such resource.";
            case 405 -> "Method not allowed on this resource.";
            case 406 -> "Cannot produce a response in the requested media type.";
            case 413 -> "The request body is too large.";
            case 415 -> "The request's Content-Type is not accepted here; send Content-Type: "
                    + RequireContentType.expectedType(path(uri)) + ".";
            default -> st.getReasonPhrase();
        };
        Response.ResponseBuilder b = Response.fromResponse(build(new Problem(Problem.typeUri(slug(st.getReasonPhrase())),
                st.getReasonPhrase(), status, detail, path(uri), null), null));
        String allow = e.getResponse().getHeaderString("Allow");
        if (allow != null) {
            b.header("Allow", allow);
        }
        return b.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        if (e instanceof ProblemException p) {
            return problem(p, uri);
        }
        if (e instanceof DomainException d) {
            return domain(d, uri);
        }
        if (databaseUnavailable(e)) {
            // Expected while the database is down or restarting: no incident, the client retries.
            Log.warnf("Database unavailable on %s: %s", path(uri), rootMessage(e));
            return Response.fromResponse(build(new Problem(Problem.typeUri("service-unavailable"), "Service unavailable", 503,
                    "The database is temporarily unavailable; nothing was changed. Retry after the indicated delay.",
                    path(uri), null), null)).header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        if (malformedForm(e)) {
            // RESTEasy Reactive's form parser fails on a malformed percent-escape (%, %ZZ, %u0041)
            // with an IllegalArgumentException before any resource code runs: the client's input.
            return build(new Problem(Problem.typeUri("malformed-form"), "Malformed form", 400,
                    "The form body is not valid application/x-www-form-urlencoded (a malformed percent-escape).",
                    path(uri), null), null);
        }
        if (clientWentAway(e)) {
            // The client closed the connection (or the body deadline did) while its body was read:
            // nobody is left to answer, and it is no fault of the application.
            Log.debugf("Client went away while %s was read: %s", path(uri), rootMessage(e));
            return build(new Problem(Problem.typeUri("unreadable-body"), "Unreadable body", 400,
                    "The connection closed before the request body was read.", path(uri), null), null);
        }
                String state = dataExceptionState(e);
        if (state != null) {
            // SQLState class 22: a value that passed validation but that the database cannot store or
            // compare (a NUL character, a timestamp beyond its range). The client's input, not a bug.
            Log.warnf("Database refused a value on %s (SQLState %s): %s", path(uri), state, rootMessage(e));
            return build(new Problem(Problem.typeUri("invalid-value"), "Invalid value", 400,
                    "A value in the request cannot be stored or compared (for example a NUL character or a date "
                            + "outside years 1-9999).", path(uri), null), null);
        }
        String incident = UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected failure (incident %s) on %s", incident, path(uri));
        return build(new Problem(Problem.typeUri("internal"), "Internal error", 500,
                "An unexpected error occurred; quote incident " + incident + " to the operator.", path(uri), null), null);
    }

    /** True when {@code e} was caused by the connection closing under a body read. */
    static boolean clientWentAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpClosedException) {
                return true;
            }
        }
        return false;
    }

    /** Seconds a client should wait before retrying while the database is unavailable. */
    static final String RETRY_AFTER_SECONDS = "5";

    /** True when {@code e} was caused by the database being unreachable ({@link DatabaseOutage#causedBy}). */
    public static boolean databaseUnavailable(Throwable e) {
        return DatabaseOutage.causedBy(e);
    }

    /** Whether the failure is the form-body parser refusing the client's percent-escapes. */
    static boolean malformedForm(Throwable e) {
        if (!(e instanceof IllegalArgumentException)) {
            return false;
        }
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("org.jboss.resteasy.reactive.server.core.multipart.FormEncodedDataDefinition")) {
                return true;
            }
        }
        return false;
    }

    /** The SQLState of a data exception (class 22) in the cause chain, or null. */
    static String dataExceptionState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static Response build(Problem p, ProblemException source) {
        Response.ResponseBuilder b = Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p);
        if (source != null) {
            source.headers().forEach(b::header);
        }
        return b.build();
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
