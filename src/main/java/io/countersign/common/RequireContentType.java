package io.countersign.common;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import java.lang.reflect.Method;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * One rule for request bodies on the JSON API (docs/api.md, "Request bodies and Content-Type"):
 * an endpoint that takes a body ({@code @Consumes}) requires its media type, so a call without
 * {@code Content-Type} is 415 even before any body byte is read; an endpoint whose body is
 * optional ({@link OptionalBody}) or that takes none needs no {@code Content-Type} when nothing is
 * sent; and a body is never read without being declared, so a body without a type (or, where no
 * body is taken, with a type other than JSON) is 415 too. A type that does not match an
 * endpoint's {@code @Consumes} is refused by routing before this filter runs; ProblemMappers
 * names the expected type then ({@link #expectedType}). Inbox and auditor pages are left to their
 * own {@code @Consumes}.
 */
public class RequireContentType {

    @ServerRequestFilter
    public void requireContentType(ContainerRequestContext request, ResourceInfo resource) {
        String method = request.getMethod();
        Method target = resource.getResourceMethod();
        if (!(method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) || target == null
                || !request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        String consumed = consumed(target, resource.getResourceClass());
        String type = request.getHeaderString("Content-Type");
        boolean typed = type != null && !type.isBlank();
        if (consumed != null && !typed && (hasBody(request) || !target.isAnnotationPresent(OptionalBody.class))) {
            throw unsupported("This endpoint takes a body of type " + consumed + " and the request has no "
                    + "Content-Type header; send Content-Type: " + consumed + ".");
        }
        if (consumed == null && hasBody(request) && !(typed && json(type))) {
            throw unsupported("This endpoint takes no body; send none, or declare it with Content-Type: "
                    + MediaType.APPLICATION_JSON + " (it is ignored).");
        }
    }

    /** The media type the JSON API expects at {@code path}, for a 415 that routing raised. */
    public static String expectedType(String path) {
        return path != null && path.startsWith("/api/") && !path.startsWith("/api/v1/slack/")
                ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_FORM_URLENCODED;
    }

    static ProblemException unsupported(String detail) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported Media Type", detail);
    }

    private static String consumed(Method target, Class<?> resource) {
        Consumes c = target.getAnnotation(Consumes.class);
        if (c == null && resource != null) {
            c = resource.getAnnotation(Consumes.class);
        }
        return c == null || c.value().length == 0 ? null : c.value()[0];
    }

    private static boolean json(String type) {
        try {
            return MediaType.APPLICATION_JSON_TYPE.isCompatible(MediaType.valueOf(type.strip()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasBody(ContainerRequestContext request) {
        String length = request.getHeaderString("Content-Length");
        if (request.getHeaderString("Transfer-Encoding") != null) {
            return true;
        }
        return length != null && !length.strip().equals("0");
    }
}
