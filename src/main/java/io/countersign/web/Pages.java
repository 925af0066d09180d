package io.countersign.web;

import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Responses of the server-rendered pages: HTML with this request's CSRF token for its forms. */
@ApplicationScoped
public class Pages {

    private static final MediaType HTML = MediaType.TEXT_HTML_TYPE.withCharset("UTF-8");

    @Inject
    Csrf csrf;

    /**
     * The page with status {@code status}; its template gets the CSRF token as {@code csrf}, and
     * the response the new pre-session cookie (scoped to {@code path}, the pages' path) when the
     * token needed one.
     */
    public Response render(TemplateInstance page, int status, String path) {
        Response.ResponseBuilder rb = Response.status(status).entity(page.data("csrf", csrf.token())).type(HTML);
        csrf.newSeedCookie(path).ifPresent(rb::cookie);
        return rb.build();
    }
}
