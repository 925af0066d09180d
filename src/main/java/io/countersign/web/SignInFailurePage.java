package io.countersign.web;

import io.quarkus.logging.Log;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.AuthenticationRedirectException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * A page instead of a bare status when the identity provider's sign-in cannot complete at
 * {@code /auth/*}: a callback whose state does not match or whose code was used already (401),
 * or a provider that cannot be reached or answers with an error (503). quarkus-oidc fails the
 * request there, before any page resource runs; this failure handler answers it.
 */
@ApplicationScoped
public class SignInFailurePage {

    @Inject
    @Location("inbox/refused")
    Template page;

    void register(@Observes Router router) {
        router.route("/auth/*").failureHandler(this::handle);
    }

    void handle(RoutingContext rc) {
        if (rc.response().ended()) {
            return;
        }
        Throwable failure = rc.failure();
        if (failure instanceof AuthenticationRedirectException) {
            rc.next(); // quarkus-oidc's own redirects (to the provider, back to the page) travel as failures
            return;
        }
        boolean completion = failure instanceof AuthenticationCompletionException
                || failure instanceof AuthenticationFailedException;
        int status = completion ? 401 : 503;
        if (!completion) {
            Log.warnf("Sign-in at the identity provider failed on %s: %s", rc.normalizedPath(), failure == null ? rc.statusCode() : failure.toString());
        }
        String html = page.data("me", null).data("csrf", "").data("inbox", false).data("auditPages", false)
                .data("type", completion ? "sign-in-not-completed" : "identity-provider-unavailable")
                .data("title", completion ? "The sign-in did not complete" : "The identity provider cannot be reached")
                .data("detail", completion
                        ? "The answer from the identity provider could not be used: it was for another sign-in, it was "
                                + "used already, or it is too old. Sign in again."
                        : "Countersign could not reach the company's identity provider, or it answered with an error. "
                                + "Try again in a minute; if it persists, tell the identity provider's administrators.")
                .render();
        rc.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=UTF-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Countersign-Refusal", completion ? "sign-in-not-completed" : "identity-provider-unavailable")
                .end(html);
    }
}
