package io.countersign.inbox;

import io.countersign.action.ActionView;
import io.countersign.common.text.RequestText;
import io.countersign.review.Decision;
import io.countersign.review.Views;
import io.quarkus.qute.TemplateExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Display values computed for the inbox templates (escaping stays on in the templates). */
@TemplateExtension
public final class InboxFormat {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private InboxFormat() {
    }

    /** A timestamp in UTC, e.g. 2026-11-25 18:10:00 UTC. */
    static String display(OffsetDateTime t) {
        return t == null ? "—" : t.withOffsetSameInstant(ZoneOffset.UTC).format(WHEN);
    }

    /** Machine-readable timestamp for {@code <time datetime>}. */
    static String iso(OffsetDateTime t) {
        return t == null ? "" : t.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }

    /** Human label of a decision. */
    static String label(Decision d) {
        return switch (d) {
            case APPROVE -> "Approved";
            case REJECT -> "Rejected";
            case REQUEST_CHANGES -> "Changes requested";
        };
    }

    /** A process step's state in words. */
    static String stateLabel(Views.ProcessStep s) {
        return switch (s.state()) {
            case "active" -> "in progress";
            case "completed" -> "done";
            case "terminated" -> "ended early";
            default -> s.state();
        };
    }

    /** CSS class of a task's risk badge. */
    static String riskClass(Views.TaskSummary t) {
        return t.risk() == null ? "risk" : "risk risk-" + t.risk().toLowerCase(Locale.ROOT);
    }

    /** Hidden, direction-changing and look-alike characters over the whole request, for the banner. */
    static RequestText.Counts textCounts(ActionView a) {
        return RequestText.count(a.type(), a.target(), a.environment(), a.summary(),
                a.justification(), a.payload());
    }

    /** CSS class of a request's risk badge. */
    static String riskClass(ActionView a) {
        return a.risk() == null ? "risk" : "risk risk-" + a.risk().toLowerCase(Locale.ROOT);
    }

    static int previousPage(Views.InboxPage p) {
        return Math.max(1, p.page() - 1);
    }

    static int nextPage(Views.InboxPage p) {
        return Math.min(p.pageCount(), p.page() + 1);
    }

    /** The active filters as a query-string suffix (URL-encoded; the template HTML-escapes it). */
    static String filterParams(Views.InboxQuery q) {
        StringBuilder sb = new StringBuilder();
        append(sb, "type", q.type());
        append(sb, "environment", q.environment());
        append(sb, "agent", q.agent());
        append(sb, "risk", q.risk());
        return sb.toString();
    }

    private static void append(StringBuilder sb, String name, String value) {
        if (value != null) {
            sb.append('&').append(name).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
