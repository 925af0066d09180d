package io.countersign.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Identity settings beyond SmallRye JWT's own {@code mp.jwt.*} keys. */
@ConfigMapping(prefix = "countersign.identity")
public interface IdentityConfig {

    /** Claim holding reviewer groups (dba, finance, ...); role names in it are ignored as groups. */
    @WithDefault("groups")
    String reviewerGroupsClaim();
}
