package io.countersign.notification;

import io.countersign.common.delivery.DeliveryRelay.Outcome;
import io.countersign.common.delivery.DeliveryRelay.RetryLater;
import io.countersign.common.delivery.DeliveryRelay.Undeliverable;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.vertx.ext.mail.SMTPException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * E-mail through the Quarkus Mailer (SMTP): a plain-text and an HTML part rendered from the
 * request as it is when the row is delivered, with every hidden or look-alike character shown as
 * a marker (as on the request page), and one link to the request page. No link in a message
 * decides anything (mail scanners follow links).
 */
@ApplicationScoped
public class EmailChannel {

    /** A review ask whose step closed before it could go out. */
    static final Outcome SKIPPED = new Outcome(null, "skipped: the review step closed before the message went out");

    @Inject
    Mailer mailer;

    @Inject
    Composer composer;

    @Inject
    NotificationConfig config;

    @Location("notify/email.txt")
    Template text;

    @Location("notify/email.html")
    Template html;

    /** Sends one row's message; a review ask whose step closed meanwhile is not sent. */
    Outcome send(Notice n) {
        Optional<Composer.Composed> composed = QuarkusTransaction.requiringNew().call(() -> composer.compose(n, ReviewerNotices.EMAIL));
        if (composed.isEmpty()) {
            return SKIPPED;
        }
        Composer.Message m = composed.get().message();
        Map<String, Object> data = Map.of("m", m);
        Mail mail = Mail.withText(n.email(), m.subject(), text.data(data).render())
                .setHtml(html.data(data).render())
                .addHeader("List-Id", "Countersign reviews <reviews." + host() + ">")
                .addHeader("Auto-Submitted", "auto-generated")
                .addHeader("X-Auto-Response-Suppress", "All");
        try {
            mailer.send(mail);
        } catch (RuntimeException e) {
            throw classify(e);
        }
        return new Outcome(null, "accepted by the mail server");
    }

    /** A permanent SMTP refusal (5xx) parks the row at once; anything else is retried. */
    static RuntimeException classify(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SMTPException smtp) {
                return smtp.isPermanent() ? new Undeliverable("refused by the mail server: " + smtp.getMessage())
                        : new RetryLater("mail server: " + smtp.getMessage(), Duration.ZERO);
            }
        }
        return e;
    }

    private String host() {
        return URI.create(config.baseUrl().orElseThrow()).getHost();
    }

}
