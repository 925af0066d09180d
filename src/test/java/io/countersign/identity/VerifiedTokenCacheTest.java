package io.countersign.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.MpJwtValidator;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The verified-token cache in front of SmallRye's validator, with a counting stand-in validator. */
class VerifiedTokenCacheTest {

    /** Accepts tokens "ok-<exp seconds>" and refuses everything else, counting its calls. */
    static final class CountingValidator extends MpJwtValidator {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
            calls.incrementAndGet();
            String token = request.getToken().getToken();
            if (!token.startsWith("ok-")) {
                return Uni.createFrom().failure(new AuthenticationFailedException("bad signature"));
            }
            JsonWebToken jwt = jwt("agent-1", Long.parseLong(token.substring(3)));
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(jwt)
                    .addCredential(request.getToken()).addRoles(jwt.getGroups()).addAttribute("quarkus.user", jwt).build());
        }

        @Override
        public int priority() {
            return 1001;
        }
    }

    static JsonWebToken jwt(String sub, long exp) {
        Map<String, Object> claims = Map.of("sub", sub, "upn", sub, "exp", exp, "groups", Set.of("agent"));
        return new JsonWebToken() {
            @Override
            public String getName() {
                return sub;
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };
    }

    private final CountingValidator validator = new CountingValidator();

    private VerifiedTokenCache cache(Duration ttl) {
        VerifiedTokenCache c = new VerifiedTokenCache();
        c.validator = validator;
        // keys from a file, as in the test profile: a refused token is the token's fault, never a JWKS outage
        c.keys = new JwtKeySource();
        c.keys.location = "keys/dev-issuer-jwks.json";
        c.config = new IdentityConfig() {
            @Override
            public String reviewerGroupsClaim() {
                return "groups";
            }

            @Override
            public Duration tokenCacheTtl() {
                return ttl;
            }
        };
        return c;
    }

    private static SecurityIdentity auth(VerifiedTokenCache c, String token) {
        return c.authenticate(new TokenAuthenticationRequest(new JsonWebTokenCredential(token)), null)
                .await().indefinitely();
    }

    private static String validFor(long seconds) {
        return "ok-" + (System.currentTimeMillis() / 1000 + seconds);
    }

    @Test
    void leavesTheWebPagesOidcTokensToQuarkusOidc() {
        VerifiedTokenCache c = cache(Duration.ofSeconds(30));
        SecurityIdentity none = c.authenticate(new TokenAuthenticationRequest(
                new io.quarkus.oidc.IdTokenCredential(validFor(600))), null).await().indefinitely();
        assertThat(none).isNull();
    }

    @Test
    void isAskedBeforeSmallRyesValidator() {
        assertThat(cache(Duration.ofSeconds(30)).priority()).isGreaterThan(validator.priority());
    }

    @Test
    void aVerifiedTokenIsNotVerifiedAgainAndGetsAFreshIdentity() {
        VerifiedTokenCache c = cache(Duration.ofSeconds(30));
        String token = validFor(600);
        SecurityIdentity first = auth(c, token);
        SecurityIdentity second = auth(c, token);
        assertThat(validator.calls).hasValue(1);
        assertThat(second).isNotSameAs(first);
        assertThat(second.getPrincipal()).isSameAs(first.getPrincipal());
        assertThat(second.getRoles()).isEqualTo(first.getRoles()).contains("agent");
        assertThat(second.getCredential(TokenCredential.class).getToken()).isEqualTo(token);
        assertThat((Object) second.getAttribute("quarkus.user")).isSameAs(first.getPrincipal());
    }

    @Test
    void aRefusedTokenIsRefusedEveryTime() {
        VerifiedTokenCache c = cache(Duration.ofSeconds(30));
        assertThatThrownBy(() -> auth(c, "tampered")).isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> auth(c, "tampered")).isInstanceOf(AuthenticationFailedException.class);
        assertThat(validator.calls).hasValue(2);
    }

    @Test
    void aTokenAlreadyPastItsExpIsVerifiedEveryTime() {
        VerifiedTokenCache c = cache(Duration.ofSeconds(30));
        String withinSkew = validFor(-5); // accepted by the validator within its clock skew
        auth(c, withinSkew);
        auth(c, withinSkew);
        assertThat(validator.calls).hasValue(2);
    }

    @Test
    void anEntryEndsAtTheTokensExp() throws InterruptedException {
        VerifiedTokenCache c = cache(Duration.ofHours(1));
        String token = validFor(1);
        auth(c, token);
        Thread.sleep(Math.max(0, (Long.parseLong(token.substring(3)) * 1000) - System.currentTimeMillis()) + 50);
        auth(c, token);
        assertThat(validator.calls).hasValue(2);
    }

    @Test
    void anEntryEndsAfterTheTtl() throws InterruptedException {
        VerifiedTokenCache c = cache(Duration.ofMillis(30));
        String token = validFor(600);
        auth(c, token);
        Thread.sleep(60);
        auth(c, token);
        assertThat(validator.calls).hasValue(2);
    }

    @Test
    void aZeroTtlVerifiesEveryRequest() {
        VerifiedTokenCache c = cache(Duration.ZERO);
        String token = validFor(600);
        auth(c, token);
        auth(c, token);
        assertThat(validator.calls).hasValue(2);
    }

    @Test
    void aFullCacheEvictsSingleEntriesNotAllOfThem() {
        VerifiedTokenCache c = cache(Duration.ofSeconds(30));
        long exp = System.currentTimeMillis() / 1000 + 600;
        for (int i = 0; i <= VerifiedTokenCache.MAX_ENTRIES; i++) {
            auth(c, "ok-" + (exp + i));
        }
        c.entries.cleanUp();
        assertThat(c.entries.estimatedSize()).isEqualTo(VerifiedTokenCache.MAX_ENTRIES);
    }
}
