package io.countersign.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Identity settings beyond SmallRye JWT's own {@code mp.jwt.*} keys. */
@ConfigMapping(prefix = "countersign.identity")
public interface IdentityConfig {

    /** Claim holding reviewer groups (dba, finance, ...); role names in it are ignored as groups. */
    @WithDefault("groups")
    String reviewerGroupsClaim();

    /**
     * How long a fully verified bearer token is remembered (never past its exp), so that repeated
     * requests with it skip signature verification; 0 verifies every request. Bounds how long a
     * token outlives the removal of its signing key from the issuer's JWKS.
     */
    @WithDefault("PT30S")
    Duration tokenCacheTtl();
}
