package io.countersign.web;

import io.countersign.identity.Roles;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A refused page ({@link WebSession.Refused}) as a 403 page: what is refused and why, and for a
 * signed-in person the pages their roles do open and a sign-out button. The type is also in a
 * {@code data-problem-type} attribute and a header, for scripts and tests.
 */
@ApplicationScoped
public class RefusedPage {

    @Inject
    @Location("inbox/refused")
    Template refused;

    @Inject
    Pages pages;

    @ServerExceptionMapper
    public Response refused(WebSession.Refused e) {
        SignedInPerson p = e.person;
        boolean inbox = p != null && !p.isAgent() && p.hasRole(Roles.REVIEWER);
        boolean audit = p != null && !p.isAgent() && p.hasRole(Roles.AUDITOR);
        Response r = pages.render(refused.data("me", p).data("type", e.type).data("title", e.title)
                .data("detail", e.detail).data("inbox", inbox).data("auditPages", audit), 403, "/");
        return Response.fromResponse(r).header("Countersign-Refusal", e.type).build();
    }
}
