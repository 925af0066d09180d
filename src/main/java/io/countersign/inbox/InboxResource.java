package io.countersign.inbox;

import io.countersign.action.ActionService;
import io.countersign.action.DecisionWaiters;
import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import io.countersign.identity.DemoPeople;
import io.countersign.identity.Roles;
import io.countersign.notification.SlackLinks;
import io.countersign.review.Decision;
import io.countersign.review.ReviewQueries;
import io.countersign.review.ReviewService;
import io.countersign.review.Views.DecisionView;
import io.countersign.review.Views.InboxPage;
import io.countersign.review.Views.InboxQuery;
import io.countersign.review.Views.ProcessTrace;
import io.countersign.review.Views.RequestDetail;
import io.countersign.review.Views.Reviewer;
import io.countersign.web.Csrf;
import io.countersign.web.Pages;
import io.countersign.web.SignedInPerson;
import io.countersign.web.WebSession;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
        static native TemplateInstance inbox(SignedInPerson me, InboxPage page, InboxQuery query, String csrf);

        static native TemplateInstance request(SignedInPerson me, RequestDetail d, PayloadView payload,
                RevisionDiff diff, ProcessTrace process, String csrf, String error, String notice);

        static native TemplateInstance decisions(SignedInPerson me, List<DecisionView> decisions, String csrf);

        static native TemplateInstance signin(boolean oidc, boolean signedOut, List<String> demoUsers,
                Map<String, String> demoDescriptions, String csrf, String error);

        static native TemplateInstance notfound(SignedInPerson me, String csrf, String detail);

        static native TemplateInstance slacklink(SignedInPerson me, String csrf, String t, SlackLinks.LinkRequest link,
                boolean linked, String error);
    }

    @Inject
    WebSession session;

    @Inject
    Csrf csrf;

    @Inject
    Pages pages;

    @Inject
    InboxConfig config;

    @Inject
    ReviewService reviews;

    @Inject
    ReviewQueries queries;

    @Inject
    Instance<DemoPeople> demo;

    @Inject
    InboxEvents events;

    @Inject
    DecisionWaiters waiters;

    @Inject
    SignInLanding landing;

    @Inject
    SlackLinks slackLinks;

    @Inject
    ActionService actions;

    @Context
    HttpHeaders headers;

    // ------------------------------------------------------------------ sign-in

    @GET
    @Path("sign-in")
    public Response signInPage(@QueryParam("error") String error, @QueryParam("error_description") String errorDescription) {
        if (error != null) {
            // The identity provider refused or failed (quarkus.oidc.authentication.error-path).
            // quarkus-oidc passes the provider's error on form-encoded ('+' for a space).
            String why = errorDescription == null ? "" : ": " + errorDescription.replace('+', ' ');
            return page(signIn("The identity provider did not sign you in (" + error.replace('+', ' ') + why
                    + "). Try again, or ask its administrators why.", false), 401);
        }
        return page(signIn(null, false), 200);
    }

    /** Where the provider sends the browser after signing out (quarkus.oidc.logout.post-logout-path). */
    @GET
    @Path("signed-out")
    public Response signedOutPage() {
        return page(signIn(null, true), 200);
    }

    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("_csrf") String formToken, @FormParam("token") String token) {
        if (session.oidc()) {
            throw ProblemException.notFound("People sign in with the identity provider here; pasting a token is "
                    + "for development and tests only.");
        }
        csrf.verify(formToken);
        return session.verify(token)
                .map(s -> s.person().isAgentClaimingAPersonsRole() ? page(signIn(WebSession.AGENT_REFUSAL), 403)
                        : s.person().hasRole(Roles.REVIEWER) || s.person().hasRole(Roles.AUDITOR)
                                ? landing.redirect(s.person(), null).cookie(session.sessionCookie(token, s.expiresAt())).build()
                        : page(signIn(SignInLanding.NO_ROLE), 403))
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
        return demo.get().token(user).map(token -> signIn(formToken, token))
                .orElseGet(() -> page(signIn("Unknown demo user."), 400));
    }

    @POST
    @Path("sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut(@FormParam("_csrf") String formToken) {
        csrf.verify(formToken);
        return session.signOut();
    }

    private TemplateInstance signIn(String error) {
        return signIn(error, false);
    }

    private TemplateInstance signIn(String error, boolean signedOut) {
        Map<String, String> people = demo.isResolvable() ? demo.get().people() : Map.of();
        return Templates.signin(session.oidc(), signedOut, List.copyOf(people.keySet()), people, token(), error);
    }

    // ------------------------------------------------------------------ pages

    @GET
    public Response inbox(@QueryParam("type") String type, @QueryParam("environment") String environment,
            @QueryParam("agent") String agent, @QueryParam("risk") String risk, @QueryParam("page") Integer page) {
        SignedInPerson me = reviewerSignedIn();
        InboxQuery q = new InboxQuery(blankToNull(type), blankToNull(environment), blankToNull(agent),
                blankToNull(risk), page == null ? 1 : page, config.pageSize());
        return page(Templates.inbox(me, queries.inbox(reviewer(me), q), q, token()), 200);
    }

    @GET
    @Path("requests/{id}")
    public Response request(@PathParam("id") String id, @QueryParam("notice") String notice) {
        SignedInPerson me = reviewerSignedIn();
        UUID requestId = parseId(id);
        if (requestId == null) {
            return notFound(me, "No request " + id + ".");
        }
        return requestPage(me, requestId, null, noticeText(notice), 200);
    }

    /**
     * The request's approval process as JSON (deployed BPMN XML and the steps taken) for the
     * page's diagram: read-only, for exactly the reviewers who may open the request page.
     */
    @GET
    @Path("requests/{id}/process")
    @Produces(MediaType.APPLICATION_JSON)
    public ProcessTrace process(@PathParam("id") String id) {
        SignedInPerson me = reviewerSignedIn();
        UUID requestId = parseId(id);
        if (requestId == null) {
            throw ProblemException.notFound("No request " + id + ".");
        }
        return queries.process(reviewer(me), requestId);
    }

    @GET
    @Path("decisions")
    public Response myDecisions() {
        SignedInPerson me = reviewerSignedIn();
        return page(Templates.decisions(me, queries.myDecisions(me.subject(), 200), token()), 200);
    }

    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> events() {
        SignedInPerson me = reviewerSignedIn();
        return events.stream(reviewer(me));
    }

    // ------------------------------------------------------------------ Slack account link

    /** Confirms linking the Slack account of a link token (from an unlinked click) to the signed-in person. */
    @GET
    @Path("slack/link")
    public Response slackLinkPage(@QueryParam("t") String t) {
        SignedInPerson me = reviewerSignedIn();
        return slackLinks.verify(t, Instant.now())
                .map(r -> page(Templates.slacklink(me, token(), t, r, false, null), 200))
                .orElseGet(() -> page(Templates.slacklink(me, token(), null, null, false, SLACK_LINK_EXPIRED), 400));
    }

    @POST
    @Path("slack/link")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response slackLink(@FormParam("_csrf") String formToken, @FormParam("t") String t) {
        SignedInPerson me = reviewerSignedIn();
        csrf.verify(formToken);
        return slackLinks.verify(t, Instant.now()).map(r -> {
            slackLinks.link(r, me.subject());
            return page(Templates.slacklink(me, token(), null, r, true, null), 200);
        }).orElseGet(() -> page(Templates.slacklink(me, token(), null, null, false, SLACK_LINK_EXPIRED), 400));
    }

    static final String SLACK_LINK_EXPIRED = "This link is not valid or has expired (links last ten minutes). Click "
            + "Approve in Slack again for a new one.";

    // ------------------------------------------------------------------ actions (POST only)

    @POST
    @Path("requests/{id}/decision")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response decide(@PathParam("id") String id, @FormParam("_csrf") String formToken,
            @FormParam("taskKey") Long taskKey, @FormParam("digest") String digest,
            @FormParam("decision") String decision, @FormParam("comment") String comment) {
        SignedInPerson me = reviewerSignedIn();
        csrf.verify(formToken);
        UUID requestId = parseId(id);
        if (requestId == null) {
            return notFound(me, "No request " + id + ".");
        }
        Decision d = Decision.parse(decision).orElse(null);
        if (d == null || taskKey == null) {
            return requestPage(me, requestId, "Choose approve, reject or request changes.", null, 400);
        }
        return act(me, requestId, () -> {
            CompletableFuture<Void> moved = waiters.register(requestId); // before the commit: no change is missed
            try {
                if (reviews.recordDecision(reviewer(me), requestId, taskKey, d, comment, digest)) {
                    awaitOutcome(moved);
                }
            } finally {
                waiters.unregister(requestId, moved);
            }
        }, switch (d) {
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
        SignedInPerson me = reviewerSignedIn();
        csrf.verify(formToken);
        UUID requestId = parseId(id);
        return requestId == null || taskKey == null ? notFound(me, "No such review step.")
                : act(me, requestId, () -> reviews.claim(reviewer(me), requestId, taskKey), "claimed");
    }

    @POST
    @Path("requests/{id}/unclaim")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response unclaim(@PathParam("id") String id, @FormParam("_csrf") String formToken,
            @FormParam("taskKey") Long taskKey) {
        SignedInPerson me = reviewerSignedIn();
        csrf.verify(formToken);
        UUID requestId = parseId(id);
        return requestId == null || taskKey == null ? notFound(me, "No such review step.")
                : act(me, requestId, () -> reviews.unclaim(reviewer(me), requestId, taskKey), "unclaimed");
    }

    @POST
    @Path("requests/{id}/reassign")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response reassign(@PathParam("id") String id, @FormParam("_csrf") String formToken,
            @FormParam("taskKey") Long taskKey, @FormParam("assignee") String assignee) {
        SignedInPerson me = reviewerSignedIn();
        csrf.verify(formToken);
        UUID requestId = parseId(id);
        return requestId == null || taskKey == null ? notFound(me, "No such review step.")
                : act(me, requestId, () -> reviews.reassign(reviewer(me), requestId, taskKey, assignee),
                        "reassigned");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Waits (at most {@code countersign.inbox.outcome-wait}) until the request's status changes,
     * so that the page after a settling decision shows the state the decision led to, not the one
     * before it. {@code moved} was registered before the decision committed, so a change that
     * commits before this wait starts completes it too.
     */
    private void awaitOutcome(CompletableFuture<Void> moved) {
        try {
            moved.get(config.outcomeWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // the request page says the outcome is being settled and reloads itself until it is there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Runs a state change; success → 303 back to the request (PRG), refusal → the page with the reason. */
    private Response act(SignedInPerson me, UUID requestId, Runnable change, String notice) {
        try {
            change.run();
        } catch (ProblemException e) {
            if (e.status() == 404) {
                return notFound(me, e.toProblem(null).detail());
            }
            Problem p = e.toProblem(null);
            String msg = p.detail();
            if (p.errors() != null && !p.errors().isEmpty()) {
                msg = p.errors().stream().map(f -> f.field() + ": " + f.message())
                        .reduce((a, b) -> a + "; " + b).orElse(msg);
            }
            return requestPage(me, requestId, msg, null, e.status());
        }
        return Response.seeOther(URI.create("/inbox/requests/" + requestId + "?notice=" + notice)).build();
    }

    private Response requestPage(SignedInPerson me, UUID requestId, String error, String notice, int status) {
        RequestDetail d;
        try {
            d = queries.detail(reviewer(me), requestId);
        } catch (ProblemException e) {
            return notFound(me, "No request " + requestId + " in your inbox.");
        }
        PayloadView payload = PayloadView.of(d.action().type(), d.action().payload(),
                Amounts.readerLocale(headers.getAcceptableLanguages()));
        RevisionDiff diff = d.round() == 0 ? null
                : actions.previousRevision(requestId).map(p -> RevisionDiff.between(p, d.action())).orElse(null);
        return page(Templates.request(me, d, payload, diff, queries.process(reviewer(me), requestId), token(), error,
                notice), status);
    }

    private Response notFound(SignedInPerson me, String detail) {
        return page(Templates.notfound(me, token(), detail), 404);
    }

    private String token() {
        return csrf.token();
    }

    private Response page(TemplateInstance t, int status) {
        return pages.render(t, status, WebSession.INBOX_PATH);
    }

    /** The signed-in reviewer; anyone else is sent to sign in. */
    private SignedInPerson reviewerSignedIn() {
        return session.requireOrRedirect(Roles.REVIEWER);
    }

    private static Reviewer reviewer(SignedInPerson p) {
        return SignInLanding.reviewer(p);
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
