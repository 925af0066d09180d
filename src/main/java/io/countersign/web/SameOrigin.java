package io.countersign.web;

import java.net.URI;
import java.util.Locale;

/**
 * The Origin check of form posts: the request's {@code Origin}, or without one its
 * {@code Referer}, must name the host the request was sent to (either scheme: TLS may end at a
 * proxy). Neither header present is refused: every browser that Countersign supports sends Origin
 * with a form POST.
 */
final class SameOrigin {

    private SameOrigin() {
    }

    /**
     * Whether a request sent to {@code host} with these {@code Origin} and {@code Referer}
     * headers (null when absent) comes from this site.
     */
    static boolean matches(String host, String origin, String referer) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String claimed = origin != null ? origin : referer;
        if (claimed == null) {
            return false;
        }
        try {
            URI u = URI.create(claimed.strip());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getRawAuthority() == null
                    || u.getRawUserInfo() != null) {
                return false;
            }
            String authority = u.getRawAuthority().toLowerCase(Locale.ROOT);
            String h = host.strip().toLowerCase(Locale.ROOT);
            return withoutDefaultPort(authority, scheme).equals(withoutDefaultPort(h, scheme));
        } catch (IllegalArgumentException e) {
            return false; // "null" parses, garbage does not: both are foreign
        }
    }

    private static String withoutDefaultPort(String authority, String scheme) {
        String suffix = scheme.equals("https") ? ":443" : ":80";
        return authority.endsWith(suffix) ? authority.substring(0, authority.length() - suffix.length()) : authority;
    }
}
