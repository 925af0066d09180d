package io.countersign.identity;

import java.util.regex.Pattern;

/**
 * Glob patterns for allowed targets: {@code *} matches within one path segment (no '/'),
 * {@code **} matches across segments, {@code ?} matches one character other than '/'.
 * Everything else is literal; matching is case-sensitive and anchored.
 */
public final class TargetGlob {

    private final String glob;
    private final Pattern pattern;

    private TargetGlob(String glob, Pattern pattern) {
        this.glob = glob;
        this.pattern = pattern;
    }

    /** Compiled patterns by glob text: agents' scopes are checked on every submission. */
    private static final java.util.Map<String, TargetGlob> CACHE = new java.util.concurrent.ConcurrentHashMap<>();
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
        return pattern.matcher(target).matches();
    }

    @Override
    public String toString() {
        return glob;
    }
}
