package io.countersign.inbox;

import io.countersign.identity.Roles;
import io.countersign.notification.Contacts;
import io.countersign.review.ReviewService;
import io.countersign.review.Views.Reviewer;
import io.countersign.web.SignedInPerson;
import io.countersign.web.WebSession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * Where a person who just signed in goes (by token or at the identity provider): {@code next}
 * when it is one of the pages, never another site; else the inbox for a reviewer and the auditor
 * pages for an auditor. A reviewer is remembered as a member of their groups on the way, and
 * everyone's verified e-mail address (or its absence) for notifications.
 */
@ApplicationScoped
public class SignInLanding {

    /** Why a signed-in person without a page role gets nothing. */
    static final String NO_ROLE = "This account has no reviewer role and no auditor role; ask an administrator "
            + "for access.";

    @Inject
    ReviewService reviews;

    @Inject
    Contacts contacts;

    /** The 303 to where {@code p} goes after signing in. */
    Response.ResponseBuilder redirect(SignedInPerson p, String next) {
        if (p.hasRole(Roles.REVIEWER)) {
            reviews.rememberMember(reviewer(p));
        }
        contacts.remember(p.subject(), p.email());
        String fallback = p.hasRole(Roles.REVIEWER) ? WebSession.INBOX_PATH : WebSession.AUDIT_PATH;
        return Response.seeOther(URI.create(localPage(next) ? next : fallback));
    }

    /** A path on this site under the pages (no scheme, no authority, no backslash tricks). */
    static boolean localPage(String next) {
        return next != null && next.length() < 2048 && next.matches("/(inbox|audit)(/[A-Za-z0-9._~%/-]*)?(\\?[A-Za-z0-9._~%&=+-]*)?")
                && !next.contains("//") && !next.contains("/..");
    }

    /** The person as the review service sees a reviewer. */
    static Reviewer reviewer(SignedInPerson p) {
        return new Reviewer(p.subject(), p.groups(), p.isAgent());
    }
}
