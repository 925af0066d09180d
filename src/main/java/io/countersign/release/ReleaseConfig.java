package io.countersign.release;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Release tokens: issuer, lifetime, executor audiences, signing keys, redemption and JWKS caching. */
@ConfigMapping(prefix = "countersign.release")
public interface ReleaseConfig {

    /** Value of the {@code iss} claim of every release token (executors may pin it with --issuer). */
    @WithDefault("countersign")
    String issuer();

    /** How long a release token is valid after it is issued ({@code exp - iat}). */
    @WithDefault("PT10M")
    Duration ttl();

    /** Executor ({@code aud} claim) per action type, e.g. {@code audiences."db.schema.change"=db-migrator}. */
    Map<String, String> audiences();

    /** Executor ({@code aud} claim) for action types not listed in {@code audiences}. */
    @WithDefault("countersign-executor")
    String defaultAudience();

    /**
     * Executor identities (the {@code sub} of their Countersign bearer token, matched exactly)
     * and the audiences each may redeem, e.g. {@code executors."db-migrator-svc".audiences=db-migrator};
     * an authenticated executor not listed here redeems nothing.
     */
    Map<String, Executor> executors();

    /** Signing and verify-only keys. */
    Keys keys();

    /** Who may redeem a release token. */
    Redeem redeem();

    /** The JWKS endpoint. */
    JwksEndpoint jwks();

    /** Key material; production points signing-key at a mounted secret. */
    interface Keys {

        /** PEM (PKCS#8 or SEC1 EC P-256) or JWK file of the private key that signs new tokens; unset = generated key. */
        Optional<Path> signingKey();

        /** PEM, JWK or JWK Set files of retired keys: published and accepted until their tokens expire, never used to sign. */
        Optional<List<Path>> verifyOnly();

        /** Directory of the generated signing key ({@code release-signing.jwk}) and retired generated keys ({@code retired-*.jwk}). */
        @WithDefault("data/keys")
        Path dir();

        /** Generate a key in {@code dir} on first start when no signing-key is set; false makes a missing key a startup error. */
        @WithDefault("true")
        boolean generate();
    }

    /** One executor identity's redemption rights. */
    interface Executor {

        /** Release audiences ({@code aud} claim) this executor may redeem, comma-separated. */
        List<String> audiences();
    }

    /** Redemption of release tokens by executors. */
    interface Redeem {

        /** Role (groups claim) an executor's Countersign bearer token needs to redeem a release. */
        @WithDefault("executor")
        String role();

        /** Let executors without a Countersign identity redeem with the release token alone (the token is then the only credential). */
        @WithDefault("false")
        boolean anonymous();
    }

    /** The public key set at {@code /.well-known/jwks.json}. */
    interface JwksEndpoint {

        /** How long clients may cache the JWKS ({@code Cache-Control: max-age}); keep it shorter than the ttl. */
        @WithDefault("PT5M")
        Duration maxAge();
    }
}
