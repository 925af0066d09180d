package io.countersign.inbox;

import io.countersign.common.ProblemException;
import io.countersign.identity.dev.DemoIdentities;
import io.countersign.review.Decision;
import io.countersign.review.ReviewService;
import io.countersign.review.Views.DecisionView;
import io.countersign.review.Views.InboxPage;
import io.countersign.review.Views.InboxQuery;
import io.countersign.review.Views.RequestDetail;
import io.countersign.review.Views.Reviewer;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The reviewer web inbox: server-rendered pages that work without JavaScript. Every page needs
 * a signed-in reviewer (else 303 to sign-in); every POST needs the CSRF token; GETs never
 * change state. Refusals are shown on the page with the status code they mean.
 */
@Path("/inbox")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class InboxResource {

    @CheckedTemplate(basePath = "inbox")
    static class Templates {
        static native TemplateInstance inbox(Reviewer me, InboxPage page, InboxQuery query, String csrf);

        static native TemplateInstance request(Reviewer me, RequestDetail d, PayloadView payload, String csrf,
                String error, String notice);

        static native TemplateInstance decisions(Reviewer me, List<DecisionView> decisions, String csrf);

        static native TemplateInstance signin(List<String> demoUsers, Map<String, String> demoDescriptions,
                String csrf, String error);

        static native TemplateInstance notfound(Reviewer me, String csrf, String detail);
    }

    @Inject
    InboxSession session;

    @Inject
    Csrf csrf;

    @Inject
    InboxConfig config;

    @Inject
    ReviewService reviews;


    @Inject
    Instance<DemoIdentities> demo;

    @Inject
    InboxEvents events;

    @Context
    HttpHeaders headers;


    // ------------------------------------------------------------------ sign-in

    @GET
    @Path("sign-in")
    public Response signInPage() {
        return page(signIn(null), 200);
    }

    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("_csrf") String formToken, @FormParam("token") String token) {
        csrf.verify(formToken);
        return session.verify(token)
                .map(s -> s.isAgentClaimingAPersonsRole() ? page(signIn(InboxSession.AGENT_REFUSAL), 403)
                        : s.isReviewer() || s.isAuditor() ? signedIn(token, s)
                        : page(signIn("This account has no reviewer role and no auditor role; ask an administrator for "
                                + "access."), 403))
                .orElseGet(() -> page(signIn("The token is not valid: it must be a current token from the configured "
                        + "identity provider."), 401));
    }

    @POST
    @Path("sign-in/demo")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signInDemo(@FormParam("_csrf") String formToken, @FormParam("user") String user) {
        csrf.verify(formToken);
        if (!demo.isResolvable()) {
            throw ProblemException.notFound("Demo sign-in exists only in the dev profile.");
        }
        String token = demo.get().tokens().get(user);
        if (token == null || demo.get().descriptions().get(user).startsWith("agent")) {
            return page(signIn("Unknown demo user."), 400);
        }
        return signIn(formToken, token);
    }

    @POST
    @Path("sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut(@FormParam("_csrf") String formToken) {
        csrf.verify(formToken);
        return Response.seeOther(URI.create("/inbox/sign-in")).cookie(session.clearedSessionCookie()).build();
    }

    private Response signedIn(String token, InboxSession.Session s) {
        if (!s.isReviewer()) {
            // An auditor without the reviewer role goes to the auditor pages; the cookie is scoped to them only.
            return Response.seeOther(URI.create(InboxSession.AUDIT_PATH))
                    .cookie(session.sessionCookie(token, s.expiresAt(), InboxSession.AUDIT_PATH)).build();
        }
        reviews.rememberMember(s.reviewer());
        Response.ResponseBuilder rb = Response.seeOther(URI.create("/inbox"))
                .cookie(session.sessionCookie(token, s.expiresAt()));
        if (s.isAuditor()) {
            rb.cookie(session.sessionCookie(token, s.expiresAt(), InboxSession.AUDIT_PATH));
        }
        return rb.build();
    }

    private TemplateInstance signIn(String error) {
        List<String> users = List.of();
        Map<String, String> descriptions = Map.of();
        if (demo.isResolvable()) {
            descriptions = demo.get().descriptions();
            users = descriptions.keySet().stream().filter(u -> !demo.get().descriptions().get(u).startsWith("agent"))
                    .toList();
        }
        return Templates.signin(users, descriptions, token(), error);
    }

    // ------------------------------------------------------------------ pages

    @GET
    public Response inbox(@QueryParam("type") String type, @QueryParam("environment") String environment,
            @QueryParam("agent") String agent, @QueryParam("risk") String risk, @QueryParam("page") Integer page) {
        Reviewer me = session.require(cookie(config.sessionCookie()));
        InboxQuery q = new InboxQuery(blankToNull(type), blankToNull(environment), blankToNull(agent),
                blankToNull(risk), page == null ? 1 : page, config.pageSize());
        return page(Templates.inbox(me, reviews.inbox(me, q), q, token()), 200);
    }

    @GET
    @Path("requests/{id}")
    public Response request(@PathParam("id") String id, @QueryParam("notice") String notice) {
        Reviewer me = session.require(cookie(config.sessionCookie()));
        UUID requestId = parseId(id);
        if (requestId == null) {
            return notFound(me, "No request " + id + ".");
        }
        return requestPage(me, requestId, null, noticeText(notice), 200);
    }

    @GET
    @Path("decisions")
    public Response myDecisions() {
        Reviewer me = session.require(cookie(config.sessionCookie()));
        return page(Templates.decisions(me, reviews.myDecisions(me.userId(), 200), token()), 200);
    }

    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> events() {
        Reviewer me = session.require(cookie(config.sessionCookie()));
        return events.stream(me);
    }

    // ------------------------------------------------------------------ actions (POST only)

    @POST
    @Path("requests/{id}/decision")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response decide(@PathParam("id") String id, @FormParam("_csrf") String formToken,
            @FormParam("taskKey") Long taskKey, @FormParam("digest") String digest,
            @FormParam("decision") String decision, @FormParam("comment") String comment) {
        Reviewer me = session.require(cookie(config.sessionCookie()));
        csrf.verify(formToken);
        UUID requestId = parseId(id);
        if (requestId == null) {
            return notFound(me, "No request " + id + ".");
        }
        Decision d = Decision.parse(decision).orElse(null);
        if (d == null || taskKey == null) {
            return requestPage(me, requestId, "Choose approve, reject or request changes.", null, 400);
        }
        return act(me, requestId, () -> reviews.recordDecision(me, requestId, taskKey, d, comment, digest), switch (d) {
            case APPROVE -> "approved";
            case REJECT -> "rejected";
            case REQUEST_CHANGES -> "changes-requested";
        });
    }

    @POST
    @Path("requests/{id}/claim")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response claim(@PathParam("id") String id, @FormParam("_csrf") String formToken,
            @FormParam("taskKey") Long taskKey) {
        Reviewer me = session.require(cookie(config.sessionCookie()));
        csrf.verify(formToken);
        UUID requestId = parseId(id);
        return requestId == null || taskKey == null ? notFound(me, "No such review step.")
                : act(me, requestId, () -> reviews.claim(me, requestId, taskKey), "claimed");
    }

    @POST
    @Path("requests/{id}/unclaim")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response unclaim(@PathParam("id") String id, @FormParam("_csrf") String formToken,
            @FormParam("taskKey") Long taskKey) {
        Reviewer me = session.require(cookie(config.sessionCookie()));
        csrf.verify(formToken);
        UUID requestId = parseId(id);
        return requestId == null || taskKey == null ? notFound(me, "No such review step.")
                : act(me, requestId, () -> reviews.unclaim(me, requestId, taskKey), "unclaimed");
    }

    @POST
    @Path("requests/{id}/reassign")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response reassign(@PathParam("id") String id, @FormParam("_csrf") String formToken,
            @FormParam("taskKey") Long taskKey, @FormParam("assignee") String assignee) {
        Reviewer me = session.require(cookie(config.sessionCookie()));
        csrf.verify(formToken);
        UUID requestId = parseId(id);
        return requestId == null || taskKey == null ? notFound(me, "No such review step.")
                : act(me, requestId, () -> reviews.reassign(me, requestId, taskKey, assignee), "reassigned");
    }

    // ------------------------------------------------------------------ helpers

    /** Runs a state change; success → 303 back to the request (PRG), refusal → the page with the reason. */
    private Response act(Reviewer me, UUID requestId, Runnable change, String notice) {
        try {
            change.run();
        } catch (ProblemException e) {
            if (e.status() == 404) {
                return notFound(me, e.toProblem(null).detail());
            }
            io.countersign.common.Problem p = e.toProblem(null);
            String msg = p.detail();
            if (p.errors() != null && !p.errors().isEmpty()) {
                msg = p.errors().stream().map(f -> f.field() + ": " + f.message())
                        .reduce((a, b) -> a + "; " + b).orElse(msg);
            }
            return requestPage(me, requestId, msg, null, e.status());
        }
        return Response.seeOther(URI.create("/inbox/requests/" + requestId + "?notice=" + notice)).build();
    }

    private Response requestPage(Reviewer me, UUID requestId, String error, String notice, int status) {
        RequestDetail d;
        try {
            d = reviews.detail(me, requestId);
        } catch (ProblemException e) {
            return notFound(me, "No request " + requestId + " in your inbox.");
        }
        return page(Templates.request(me, d, PayloadView.of(d.action().type(), d.action().payload()), token(), error,
                notice), status);
    }

    private Response notFound(Reviewer me, String detail) {
        return page(Templates.notfound(me, token(), detail), 404);
    }

    private String token() {
        return csrf.token();
    }

    private Response page(TemplateInstance t, int status) {
        String tok = token();
        Response.ResponseBuilder rb = Response.status(status).entity(t.data("csrf", tok)).type(MediaType.TEXT_HTML_TYPE
                .withCharset("UTF-8"));
        csrf.newSeedCookie("/inbox").ifPresent(rb::cookie);
        return rb.build();
    }

    private String cookie(String name) {
        jakarta.ws.rs.core.Cookie c = headers.getCookies().get(name);
        return c == null ? null : c.getValue();
    }

    private static String noticeText(String notice) {
        if (notice == null) {
            return null;
        }
        return switch (notice) {
            case "approved" -> "Your approval is recorded.";
            case "rejected" -> "Your rejection is recorded.";
            case "changes-requested" -> "Sent back to the agent for changes.";
            case "claimed" -> "You claimed this review step.";
            case "unclaimed" -> "You released this review step.";
            case "reassigned" -> "Review step reassigned.";
            default -> null;
        };
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
