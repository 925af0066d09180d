package io.countersign.common.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.SpoofChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one place that decides how untrusted text is shown to a person: every character that is
 * invisible, changes the direction of the text around it, or imitates another character is
 * replaced by a marked escape such as {@code ⟨U+202E⟩}, so what a reviewer reads is what runs.
 * The result is plain text in segments; pages HTML-escape every segment ({@link VisibleHtml}).
 */
public final class VisibleText {

    /** Opening and closing brackets of a marker (U+27E8, U+27E9: never produced by the escapes themselves). */
    public static final String OPEN = "\u27E8";
    public static final String CLOSE = "\u27E9";

    /** Why a character is shown as a marker. */
    public enum Reason {
        /** Changes the direction of the text around it (bidi controls, U+061C, U+200E/F). */
        DIRECTION,
        /** Draws nothing (zero-width, default-ignorable, tag, control, private-use or unassigned). */
        INVISIBLE,
        /** Looks like another character: mixed-script confusable, non-ASCII in an ASCII identifier, odd space. */
        LOOKALIKE
    }

    /** A run of text shown as is ({@code codePoint} 0) or one character shown as a marker. */
    public record Segment(String text, int codePoint, Reason reason) {
        /** True for a marker. */
        public boolean marked() {
            return reason != null;
        }

        /** What the reader sees: the text itself, or e.g. {@code ⟨U+202E⟩}. */
        public String display() {
            return reason == null ? text : OPEN + codePointLabel(codePoint) + CLOSE;
        }

        /** The character's label and Unicode name, e.g. {@code U+202E RIGHT-TO-LEFT OVERRIDE}. */
        public String description() {
            return reason == null ? null : describe(codePoint);
        }
    }

    /** Text cut into plain runs and markers, with the number of markers per kind. */
    public record Rendering(List<Segment> segments, int hidden, int lookalike) {
        /** The text with markers in place of the characters they stand for. */
        public String plain() {
            StringBuilder sb = new StringBuilder();
            segments.forEach(s -> sb.append(s.display()));
            return sb.toString();
        }

        /** True when at least one character is shown as a marker. */
        public boolean marked() {
            return hidden + lookalike > 0;
        }

        /** This rendering followed by {@code other}. */
        public Rendering append(Rendering other) {
            List<Segment> all = new ArrayList<>(segments);
            all.addAll(other.segments);
            return new Rendering(List.copyOf(all), hidden + other.hidden, lookalike + other.lookalike);
        }
    }

    private static final Rendering EMPTY = new Rendering(List.of(), 0, 0);

    /**
     * Skeleton comparison (UTS #39) finds text that is indistinguishable from ASCII; the default
     * checks (restriction level "moderately restrictive" and mixed numbers) find mixed scripts
     * such as Latin with Cyrillic or Greek.
     */
    private static final SpoofChecker SPOOF = new SpoofChecker.Builder()
            .setRestrictionLevel(SpoofChecker.RestrictionLevel.MODERATELY_RESTRICTIVE).build();

    private VisibleText() {
    }

    /** Renders {@code s} as text of {@code kind}; null renders as nothing. */
    public static Rendering render(String s, TextKind kind) {
        if (s == null || s.isEmpty()) {
            return EMPTY;
        }
        if (plainAscii(s, kind)) {
            return new Rendering(List.of(new Segment(s, 0, null)), 0, 0);
        }
        boolean lookalikes = kind == TextKind.NAME && suspiciousName(s);
        List<Segment> out = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        int hidden = 0;
        int lookalike = 0;
        int previous = -1;
        for (int i = 0; i < s.length();) {
            int cp = s.codePointAt(i);
            Reason r = reason(cp, previous, kind);
            if (r == null && lookalikes && cp > 0x7F && looksLikeAscii(cp)) {
                r = Reason.LOOKALIKE;
            }
            if (r == null) {
                run.appendCodePoint(cp);
            } else {
                if (run.length() > 0) {
                    out.add(new Segment(run.toString(), 0, null));
                    run.setLength(0);
                }
                out.add(new Segment(new String(Character.toChars(cp)), cp, r));
                if (r == Reason.LOOKALIKE) {
                    lookalike++;
                } else {
                    hidden++;
                }
            }
            previous = cp;
            i += Character.charCount(cp);
        }
        if (run.length() > 0) {
            out.add(new Segment(run.toString(), 0, null));
        }
        if (lookalikes && lookalike == 0) {
            // mixed scripts without one character that imitates ASCII: name every non-ASCII one
            return markAllNonAscii(out, hidden);
        }
        return new Rendering(List.copyOf(out), hidden, lookalike);
    }

    /** {@code s} as plain text with markers (for {@code <title>}, attributes, logs, plain-text messages). */
    public static String plain(String s, TextKind kind) {
        return s == null ? null : render(s, kind).plain();
    }

    /** {@link TextKind#TEXT} rendering of {@code s} as plain text with markers. */
    public static String plain(String s) {
        return plain(s, TextKind.TEXT);
    }

    /**
     * Why {@code s} is not a valid identifier (printable ASCII only), naming the first offending
     * character, e.g. {@code contains U+202E RIGHT-TO-LEFT OVERRIDE at character 1}; null if it is.
     */
    public static String identifierProblem(String s) {
        if (s == null) {
            return null;
        }
        int position = 1;
        for (int i = 0; i < s.length(); position++) {
            int cp = s.codePointAt(i);
            if (cp < 0x20 || cp > 0x7E) {
                return "contains " + describe(cp) + " at character " + position;
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** {@code U+202E RIGHT-TO-LEFT OVERRIDE}; unnamed characters get their ICU label, e.g. {@code <unassigned-0378>}. */
    public static String describe(int cp) {
        String name = UCharacter.getName(cp);
        return codePointLabel(cp) + " " + (name == null ? UCharacter.getExtendedName(cp) : name);
    }

    static String codePointLabel(int cp) {
        return String.format(Locale.ROOT, "U+%04X", cp);
    }

    /** Why {@code cp} (after {@code previous}) must be shown as a marker in text of {@code kind}, or null. */
    private static Reason reason(int cp, int previous, TextKind kind) {
        if (cp >= 0x20 && cp < 0x7F) {
            return null;
        }
        if (cp == '\n' || cp == '\t' || cp == '\r') {
            // line breaks and tabs are layout in prose and code; in a name or identifier they hide a part
            return kind == TextKind.TEXT || kind == TextKind.CODE ? null : Reason.INVISIBLE;
        }
        if (UCharacter.hasBinaryProperty(cp, UProperty.BIDI_CONTROL)) {
            return Reason.DIRECTION;
        }
        if (isVariationSelector(cp) && (cp == 0xFE0E || cp == 0xFE0F)
                && previous >= 0 && UCharacter.hasBinaryProperty(previous, UProperty.EMOJI)) {
            // text or emoji presentation of an emoji: it changes what is drawn, so it is not hidden
            return kind == TextKind.IDENTIFIER ? Reason.LOOKALIKE : null;
        }
        if (UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
            return Reason.INVISIBLE;
        }
        switch (UCharacter.getType(cp)) {
            case UCharacterCategory.CONTROL, UCharacterCategory.FORMAT, UCharacterCategory.LINE_SEPARATOR,
                    UCharacterCategory.PARAGRAPH_SEPARATOR, UCharacterCategory.PRIVATE_USE,
                    UCharacterCategory.UNASSIGNED, UCharacterCategory.SURROGATE:
                return Reason.INVISIBLE;
            case UCharacterCategory.SPACE_SEPARATOR:
                // U+00A0, U+2000..U+200A, U+3000...: look like a space but are not one to a parser
                return kind == TextKind.TEXT ? null : Reason.LOOKALIKE;
            default:
                return kind == TextKind.IDENTIFIER ? Reason.LOOKALIKE : null;
        }
    }

    /** The common case: printable ASCII (plus line breaks and tabs in prose and code) needs no marker. */
    private static boolean plainAscii(String s, TextKind kind) {
        boolean layout = kind == TextKind.TEXT || kind == TextKind.CODE;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 || c > 0x7E) && !(layout && (c == '\n' || c == '\t' || c == '\r'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVariationSelector(int cp) {
        return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) || (cp >= 0x180B && cp <= 0x180D)
                || cp == 0x180F;
    }

    /** A non-ASCII name that mixes scripts or is indistinguishable from ASCII text. */
    private static boolean suspiciousName(String s) {
        if (s.chars().allMatch(c -> c < 0x80)) {
            return false;
        }
        return SPOOF.failsChecks(s) || isPrintableAscii(SPOOF.getSkeleton(s));
    }

    private static boolean looksLikeAscii(int cp) {
        return isPrintableAscii(SPOOF.getSkeleton(new String(Character.toChars(cp))));
    }

    private static boolean isPrintableAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }

    private static Rendering markAllNonAscii(List<Segment> segments, int hidden) {
        List<Segment> out = new ArrayList<>();
        int lookalike = 0;
        for (Segment seg : segments) {
            if (seg.marked()) {
                out.add(seg);
                continue;
            }
            StringBuilder run = new StringBuilder();
            for (int i = 0; i < seg.text().length();) {
                int cp = seg.text().codePointAt(i);
                if (cp > 0x7F && UCharacter.getType(cp) != UCharacterCategory.NON_SPACING_MARK) {
                    if (run.length() > 0) {
                        out.add(new Segment(run.toString(), 0, null));
                        run.setLength(0);
                    }
                    out.add(new Segment(new String(Character.toChars(cp)), cp, Reason.LOOKALIKE));
                    lookalike++;
                } else {
                    run.appendCodePoint(cp);
                }
                i += Character.charCount(cp);
            }
            if (run.length() > 0) {
                out.add(new Segment(run.toString(), 0, null));
            }
        }
        return new Rendering(List.copyOf(out), hidden, lookalike);
    }
}
