package io.countersign.identity;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Glob patterns for allowed targets: {@code *} matches within one path segment (no '/'),
 * {@code **} matches across segments, {@code ?} matches one character other than '/'.
 * Everything else is literal; matching is case-sensitive and anchored. A target that is not in
 * normal form ({@link #whyNotNormal}) never matches any glob, whatever the glob says.
 */
public final class TargetGlob {

    private final String glob;
    private final Pattern pattern;

    private TargetGlob(String glob, Pattern pattern) {
        this.glob = glob;
        this.pattern = pattern;
    }

    /** Compiled patterns by glob text: agents' scopes are checked on every submission. */
    private static final Map<String, TargetGlob> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 10_000;

    public static TargetGlob compile(String glob) {
        TargetGlob cached = CACHE.get(glob);
        if (cached != null) {
            return cached;
        }
        TargetGlob compiled = doCompile(glob);
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.put(glob, compiled);
        }
        return compiled;
    }

    private static TargetGlob doCompile(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                if (c == '?') {
                    re.append("[^/]");
                } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return new TargetGlob(glob, Pattern.compile(re.toString(), Pattern.DOTALL));
    }

    public boolean matches(String target) {
        return target != null && whyNotNormal(target).isEmpty() && pattern.matcher(target).matches();
    }

    /**
     * Why {@code target} is not in normal form, or empty when it is. Normal: printable ASCII
     * only (U+0021 to U+007E, so no control, space, look-alike or other non-ASCII character such as
     * U+2215 DIVISION SLASH can pass for a '/'), no backslash, and no {@code .} or {@code ..} segment
     * and no percent-encoded dot, slash or backslash, so {@code acct:treasury/*} cannot be walked out
     * of by an executor that resolves or decodes paths.
     */
    public static Optional<String> whyNotNormal(String target) {
        for (int i = 0; i < target.length(); i++) {
            int cp = target.codePointAt(i);
            if (cp < 0x21 || cp > 0x7e) {
                return Optional.of(String.format("must be printable ASCII (U+0021 to U+007E); U+%04X at index %d is not",
                        cp, i));
            }
            if (cp == '\\') {
                return Optional.of("must not contain a backslash (index " + i + "); segments are separated by '/'");
            }
        }
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c")) {
            return Optional.of("must not contain a percent-encoded '/' or '\\'");
        }
        for (String segment : lower.split("/", -1)) {
            String decoded = segment.replace("%2e", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                return Optional.of("must not contain a '" + decoded + "' segment (also percent-encoded); name the "
                        + "target itself, not a path to it");
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return glob;
    }
}
