package io.countersign.identity;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one way Countersign compares identities for separation of duties (reviewer vs the agent,
 * reviewer vs the agent's owner, distinct approvers). Two ids are the same identity when their
 * {@link #key keys} are equal. The rule is deliberately broad: here a false "same" only refuses
 * a decision, while a false "different" would let one person approve their own agent's request
 * or count twice (docs/inbox.md, "Comparing identities").
 */
public final class Identities {

    private Identities() {
    }

    /**
     * The comparison key of an id: Unicode NFKC (compatibility forms such as fullwidth letters
     * and ligatures become plain letters, combining sequences compose), then every format
     * character (category Cf: zero-width spaces and joiners, soft hyphens, bidi controls) is
     * removed and surrounding white space stripped, then full case folding approximated by
     * {@code toUpperCase(Locale.ROOT)} followed by {@code toLowerCase(Locale.ROOT)} (so "ß" and
     * "SS", "ς" and "σ" fold alike, and the result never depends on the server's locale), then
     * NFKC again because case mapping may leave a string unnormalised.
     */
    public static String key(String id) {
        if (id == null) {
            return null;
        }
        String s = Normalizer.normalize(id, Normalizer.Form.NFKC);
        StringBuilder visible = new StringBuilder(s.length());
        s.codePoints().filter(cp -> Character.getType(cp) != Character.FORMAT).forEach(visible::appendCodePoint);
        String folded = visible.toString().strip().toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(folded, Normalizer.Form.NFKC);
    }

    /** Whether two ids name the same identity under {@link #key}; never true for a null or blank id. */
    public static boolean same(String a, String b) {
        String ka = key(a);
        return ka != null && !ka.isEmpty() && ka.equals(key(b));
    }
}
