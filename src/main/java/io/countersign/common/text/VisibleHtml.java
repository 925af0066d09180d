package io.countersign.common.text;

/**
 * HTML for a {@link VisibleText.Rendering}: every segment is HTML-escaped, and each marker is
 * wrapped in {@code <mark class="hidden-char">} with the character's name as its title. The
 * only markup in the result is that wrapper; untrusted text never reaches the page unescaped.
 */
public final class VisibleHtml {

    private VisibleHtml() {
    }

    /** Escaped HTML of {@code r}. */
    public static String html(VisibleText.Rendering r) {
        StringBuilder sb = new StringBuilder();
        for (VisibleText.Segment s : r.segments()) {
            if (s.marked()) {
                sb.append("<mark class=\"hidden-char\" title=\"");
                escape(s.description() + " (" + label(s.reason()) + ")", sb);
                sb.append("\">");
                escape(s.display(), sb);
                sb.append("</mark>");
            } else {
                escape(s.text(), sb);
            }
        }
        return sb.toString();
    }

    private static String label(VisibleText.Reason r) {
        return switch (r) {
            case DIRECTION -> "changes the direction of the text";
            case INVISIBLE -> "invisible";
            case LOOKALIKE -> "looks like another character";
        };
    }

    /** The same five characters Qute's HTML escaper replaces. */
    static void escape(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
    }
}
