package io.countersign.common.text;

import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;

/**
 * Qute display values for untrusted text, on every page: {@code {x.marked}} in element content
 * (escaped text with styled markers), {@code {x.visible}} where markup cannot go ({@code <title>},
 * attributes: plain markers that Qute escapes as usual).
 */
@TemplateExtension
public final class VisibleTextExtensions {

    private VisibleTextExtensions() {
    }

    /** Prose with hidden and direction-changing characters as styled markers; already escaped. */
    static RawString marked(String s) {
        return html(VisibleText.render(s, TextKind.TEXT));
    }

    /** A name (target, beneficiary): as {@link #marked}, plus mixed-script look-alike letters. */
    static RawString markedName(String s) {
        return html(VisibleText.render(s, TextKind.NAME));
    }

    /** A rendering as escaped HTML with styled markers. */
    static RawString html(VisibleText.Rendering r) {
        return new RawString(VisibleHtml.html(r));
    }

    /** Prose with plain markers such as ⟨U+202E⟩, to be escaped by Qute. */
    static String visible(String s) {
        return VisibleText.plain(s);
    }

    /** "3 hidden or direction-changing characters and 1 look-alike character" (either part may be absent). */
    static String sentence(RequestText.Counts c) {
        StringBuilder sb = new StringBuilder();
        if (c.hidden() > 0) {
            sb.append(c.hidden()).append(c.hidden() == 1 ? " hidden or direction-changing character"
                    : " hidden or direction-changing characters");
        }
        if (c.lookalike() > 0) {
            sb.append(sb.length() > 0 ? " and " : "").append(c.lookalike())
                    .append(c.lookalike() == 1 ? " look-alike character" : " look-alike characters");
        }
        return sb.toString();
    }
}
