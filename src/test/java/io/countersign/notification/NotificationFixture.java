package io.countersign.notification;

import io.countersign.review.ReviewFixture;
import io.countersign.review.ReviewService;
import io.countersign.review.Views.Reviewer;
import io.countersign.testsupport.GreenMailServer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** People the notification tests tell, and the mail GreenMail received for them. */
@ApplicationScoped
public class NotificationFixture {

    @Inject
    ReviewService reviews;

    @Inject
    Contacts contacts;

    /** A person seen at sign-in with {@code groups} and, unless null, a verified address. */
    public Reviewer person(String user, String email, String... groups) {
        Reviewer r = ReviewFixture.reviewer(user, groups);
        QuarkusTransaction.requiringNew().run(() -> reviews.rememberMember(r));
        contacts.remember(user, email);
        return r;
    }

    /** Every message GreenMail received for {@code address}, in arrival order. */
    public static List<MimeMessage> mailTo(String address) {
        return Arrays.stream(GreenMailServer.server().getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                        .anyMatch(a -> ((InternetAddress) a).getAddress().equalsIgnoreCase(address));
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** The text/plain and text/html parts of a multipart/alternative message. */
    public static Map<String, String> parts(MimeMessage m) throws Exception {
        MimeMultipart alt = (MimeMultipart) m.getContent();
        String text = null;
        String html = null;
        for (int i = 0; i < alt.getCount(); i++) {
            BodyPart p = alt.getBodyPart(i);
            if (p.isMimeType("text/plain")) {
                text = content(p);
            } else if (p.isMimeType("text/html")) {
                html = content(p);
            } else if (p.getContent() instanceof MimeMultipart inner) {
                for (int j = 0; j < inner.getCount(); j++) {
                    BodyPart q = inner.getBodyPart(j);
                    if (q.isMimeType("text/plain")) {
                        text = content(q);
                    } else if (q.isMimeType("text/html")) {
                        html = content(q);
                    }
                }
            }
        }
        return Map.of("text", String.valueOf(text), "html", String.valueOf(html));
    }

    private static String content(BodyPart p) throws IOException, jakarta.mail.MessagingException {
        return p.getContent().toString();
    }

}
