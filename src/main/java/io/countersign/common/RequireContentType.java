package io.countersign.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A JSON API call that sends a body must say what it is: a body without {@code Content-Type} is
 * refused with 415 (docs/api.md) instead of being read as JSON anyway. Body-less POSTs (cancel
 * without a reason, policy reload) need no type. Inbox and auditor forms are left to their own
 * {@code @Consumes}.
 */
public class RequireContentType {

    @ServerRequestFilter(preMatching = true)
    public void requireContentType(ContainerRequestContext request) {
        String method = request.getMethod();
        if (!(method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))
                || !request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        String type = request.getHeaderString("Content-Type");
        if ((type == null || type.isBlank()) && hasBody(request)) {
            throw new ProblemException(415, "unsupported-media-type", "Unsupported Media Type",
                    "The request has a body but no Content-Type header; send Content-Type: application/json.");
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
