package io.countersign.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.countersign.common.ProblemException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.MpJwtValidator;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Remembers bearer tokens that SmallRye JWT has fully verified, so that an agent sending the
 * same token many times a second is not re-verified (RSA signature, claims) on every request:
 * that was the largest single cost of a fast-path submission. It sits in front of
 * {@link MpJwtValidator} (a higher provider priority) and hands every token it has not seen, or
 * whose entry has expired, to it unchanged.
 * <p>
 * An entry lives until the token's own {@code exp} or {@code countersign.identity.token-cache-ttl}
 * (default 30 s; 0 turns the cache off), whichever is first; a token past its {@code exp} is
 * always verified again, so the clock-skew rule stays SmallRye's. What a cached token still
 * outlives is the removal of its signing key from the issuer's JWKS, by at most the TTL. The
 * token only identifies: what an agent may do is read from the registry on every request.
 * The identity is rebuilt per request exactly as {@link MpJwtValidator} builds it, so nothing
 * of an earlier request (its routing context) is carried over.
 */
@ApplicationScoped
public class VerifiedTokenCache implements IdentityProvider<TokenAuthenticationRequest> {

    /** Upper bound on remembered tokens; past it Caffeine evicts single entries, never the whole cache. */
    static final int MAX_ENTRIES = 10_000;

    @Inject
    MpJwtValidator validator;

    @Inject
    IdentityConfig config;

    @Inject
    JwtKeySource keys;

    /** Token text to its verified claims, each entry for the {@link #lifetime} it had when stored. */
    final Cache<String, JsonWebToken> entries = Caffeine.newBuilder().maximumSize(MAX_ENTRIES)
            .expireAfter(Expiry.writing((String token, JsonWebToken jwt) -> lifetime(jwt))).build();

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Asked before SmallRye's validator. */
    @Override
    public int priority() {
        return validator.priority() + 1;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!(request.getToken() instanceof JsonWebTokenCredential)) {
            // Not an API bearer token (the pages' OIDC code flow): quarkus-oidc's provider verifies it.
            return Uni.createFrom().nullItem();
        }
        String token = request.getToken().getToken();
        JsonWebToken cached = entries.getIfPresent(token);
        if (cached != null) {
            return Uni.createFrom().item(identity(cached, request));
        }
        return validator.authenticate(request, context).invoke(identity -> remember(token, identity))
                .onFailure().recoverWithUni(e -> keys.remote()
                        ? context.runBlocking(() -> keysUnavailableOr(e))
                        : Uni.createFrom().failure(e));
    }

    /**
     * A token that failed while the JWKS URL does not answer says nothing about the token: the
     * caller gets 503 (retry), not 401 (your token is bad) and not 500.
     */
    private SecurityIdentity keysUnavailableOr(Throwable failure) {
        keys.unavailable().ifPresent(why -> {
            throw new ProblemException(503, "service-unavailable", "Service unavailable",
                    "Bearer tokens cannot be verified right now: the identity provider's keys cannot be fetched. "
                            + "Retry after the indicated delay.", List.of(), Map.of("Retry-After", "5"));
        });
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        throw new AuthenticationFailedException(failure);
    }

    private void remember(String token, SecurityIdentity identity) {
        // A token already past exp (accepted within the clock skew) is verified every time.
        if (identity.getPrincipal() instanceof JsonWebToken jwt && lifetime(jwt).compareTo(Duration.ZERO) > 0) {
            entries.put(token, jwt);
        }
    }

    /** Until the token's {@code exp} or the configured TTL, whichever comes first; zero once either is over. */
    private Duration lifetime(JsonWebToken jwt) {
        Duration ttl = config.tokenCacheTtl();
        Duration untilExp = Duration.ofMillis(jwt.getExpirationTime() * 1000 - System.currentTimeMillis());
        Duration lifetime = untilExp.compareTo(ttl) < 0 ? untilExp : ttl;
        return lifetime.isNegative() ? Duration.ZERO : lifetime;
    }

    /** The identity {@link MpJwtValidator} would build for this request. */
    private static SecurityIdentity identity(JsonWebToken jwt, TokenAuthenticationRequest request) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder().setPrincipal(jwt)
                .addCredential(request.getToken()).addRoles(jwt.getGroups()).addAttribute("quarkus.user", jwt);
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (rc != null) {
            b.addAttribute(RoutingContext.class.getName(), rc);
        }
        return b.build();
    }
}
