package io.countersign.testsupport;

import io.smallrye.jwt.build.Jwt;
import java.time.Instant;
import java.util.Set;

/** Signs test tokens with the fixture issuer key (src/test/resources/keys). */
public final class Tokens {

    public static final String ISSUER = "https://countersign.dev/issuer";
    public static final String AUDIENCE = "countersign";
    public static final String KID = "dev-issuer-1";

    private Tokens() {
    }

    /** A token for {@code subject} with the given groups (roles and reviewer groups). */
    public static String token(String subject, String... groups) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).upn(subject)
                .groups(Set.of(groups))
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(600))
                .jws().keyId(KID).sign();
    }

    /** A token whose {@code upn} (the principal name SmallRye prefers) differs from its {@code sub}. */
    public static String withUpn(String subject, String upn, String... groups) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).upn(upn)
                .groups(Set.of(groups))
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(600))
                .jws().keyId(KID).sign();
    }

    public static String agent(String agentId) {
        return token(agentId, "agent");
    }

    public static String admin() {
        return token("alice-admin", "admin");
    }

    public static String auditor() {
        return token("audrey-auditor", "auditor");
    }

    public static String reviewer(String user, String... groups) {
        String[] all = new String[groups.length + 1];
        all[0] = "reviewer";
        System.arraycopy(groups, 0, all, 1, groups.length);
        return token(user, all);
    }
}
