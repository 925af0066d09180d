package io.countersign.notification;

import io.countersign.action.ActionView;
import io.countersign.common.text.RequestText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A notice as a Block Kit message. Every text from a request is {@code plain_text} (Slack's
 * mrkdwn would turn an agent's {@code <!channel>} or {@code <https://…|click>} into a mention or a
 * link), the payload a {@code rich_text_preformatted} code block. Within Block Kit's limits: at most
 * 50 blocks, 3,000 characters per text, 150 per header, 10 fields of 2,000. Decision buttons
 * (Approve, Reject, Request changes) are offered only when the message shows the whole request,
 * nothing in it is hidden or a look-alike, and the step-up rules allow it; otherwise the message
 * says why and links to the request page, because what a reviewer decides must be exactly what
 * they saw.
 */
final class SlackBlocks {

    static final String APPROVE = "countersign_approve";
    static final String OPEN = "countersign_open";
    static final int TEXT_MAX = 3000;
    static final int HEADER_MAX = 150;
    static final int FIELD_MAX = 2000;
    static final int BLOCKS_MAX = 50;

    private SlackBlocks() {
    }

    static final String REJECT = "countersign_reject";
    static final String CHANGES = "countersign_changes";
    static final List<String> RISKS = List.of("LOW", "MEDIUM", "HIGH", "CRITICAL");

    /**
     * Why the request cannot be decided from Slack, or null when it can. The step-up rules
     * (risk above {@code decide-max-risk}, two approvals without {@code decide-four-eyes}) and
     * hidden or look-alike characters; checked again when a click arrives.
     */
    static String notDecidable(ActionView r, NotificationConfig.Slack slack) {
        if (RequestText.count(r.type(), r.target(), r.environment(), r.summary(), r.justification(), r.payload()).any()) {
            return "it contains hidden or look-alike characters";
        }
        int max = RISKS.indexOf(slack.decideMaxRisk().toUpperCase(Locale.ROOT));
        if (r.risk() != null && RISKS.indexOf(r.risk()) > max) {
            return "its risk is " + r.risk() + (max < 0 ? "" : "; Slack decides up to " + RISKS.get(max));
        }
        if (r.review() != null && r.review().approvals() > 1 && !slack.decideFourEyes()) {
            return "it needs two approvals";
        }
        return null;
    }

    /** Why the message cannot offer decisions, or null: as {@link #notDecidable}, or it does not show everything. */
    static String notApprovable(Composer.Composed c, NotificationConfig.Slack slack) {
        String why = notDecidable(c.request(), slack);
        if (why != null) {
            return why;
        }
        Composer.Message m = c.message();
        if (m.payloadText().length() > TEXT_MAX - 10 || m.fields().stream().anyMatch(f -> f.text().length() > FIELD_MAX - 40)) {
            return "it is too long to show here in full";
        }
        return null;
    }

    /** The message body for chat.postMessage / chat.update: fallback text and blocks. */
    static Map<String, Object> message(Composer.Composed c, boolean ask, NotificationConfig.Slack slack) {
        Composer.Message m = c.message();
        List<Object> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "header", "text", plain(cut(m.heading(), HEADER_MAX))));
        List<Object> fields = new ArrayList<>();
        for (Composer.Field f : m.fields()) {
            if (fields.size() == 10) {
                blocks.add(Map.of("type", "section", "fields", List.copyOf(fields)));
                fields.clear();
            }
            fields.add(plain(cut(f.label() + ": " + f.text(), FIELD_MAX)));
        }
        if (!fields.isEmpty()) {
            blocks.add(Map.of("type", "section", "fields", List.copyOf(fields)));
        }
        if (m.banner() != null) {
            blocks.add(section(m.banner()));
        }
        if (!m.decisions().isEmpty()) {
            blocks.add(section(String.join("\n", m.decisions())));
        }
        String payload = m.payloadText();
        if (!payload.isEmpty()) {
            // a code block without mrkdwn: rich_text_preformatted shows its text as written
            blocks.add(Map.of("type", "rich_text", "elements", List.of(Map.of("type", "rich_text_preformatted",
                    "elements", List.of(Map.of("type", "text", "text", cut(payload, TEXT_MAX)))))));
        }
        if (payload.length() > TEXT_MAX) {
            blocks.add(context("The payload is longer: see the full request."));
        }
        List<Object> buttons = new ArrayList<>();
        String why = ask ? notApprovable(c, slack) : null;
        if (ask && why == null) {
            String value = c.request().id() + "|" + c.task().taskKey + "|" + c.request().payloadSha256();
            Map<String, Object> approve = button(APPROVE, "Approve", value, "primary");
            approve.put("confirm", Map.of("title", plain("Approve this request?"), "text", plain(cut(
                    "Your approval of \"" + c.request().summary() + "\" is recorded as your decision, as on the request "
                            + "page.", 300)), "confirm", plain("Approve"), "deny", plain("Cancel")));
            buttons.add(approve);
            buttons.add(button(REJECT, "Reject", value, "danger"));
            buttons.add(button(CHANGES, "Request changes", value, null));
        }
        buttons.add(Map.of("type", "button", "action_id", OPEN, "text", plain("Open in Countersign"), "url", m.link()));
        blocks.add(Map.of("type", "actions", "elements", buttons));
        blocks.add(context(ask && why != null ? "Decide on the request page (not here: " + why + ")." : ask
                ? "A decision here counts as yours, with the inbox's checks (your Slack account must be linked to "
                        + "Countersign)." : m.footer()));
        if (blocks.size() > BLOCKS_MAX) {
            throw new IllegalStateException("a Slack message of " + blocks.size() + " blocks");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("text", cut(m.subject(), TEXT_MAX));
        out.put("blocks", blocks);
        return out;
    }

    private static Map<String, Object> button(String actionId, String text, String value, String style) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", "button");
        b.put("action_id", actionId);
        if (style != null) {
            b.put("style", style);
        }
        b.put("text", plain(text));
        b.put("value", value);
        return b;
    }

    static Map<String, Object> plain(String text) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("type", "plain_text");
        t.put("text", text.isEmpty() ? " " : text);
        t.put("emoji", false);
        return t;
    }

    private static Map<String, Object> section(String text) {
        return Map.of("type", "section", "text", plain(cut(text, TEXT_MAX)));
    }

    private static Map<String, Object> context(String text) {
        return Map.of("type", "context", "elements", List.of(plain(cut(text, TEXT_MAX))));
    }

    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "\u2026";
    }
}
