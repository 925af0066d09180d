package io.countersign.identity;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Refuses (401) a correctly signed token whose subject or principal name cannot serve as an
 * identifier: missing, longer than 255 characters, or holding control characters or unpaired
 * UTF-16 surrogates. Every caller id ends up as an audit actor, and an id the decision trail
 * cannot encode as I-JSON would otherwise stop the audit sequencer (found by the fuzzer).
 */
@ApplicationScoped
public class UsableSubjectAugmentor implements SecurityIdentityAugmentor {

    /** Longest accepted subject; the audit trail stores actor ids of at most this length. */
    static final int MAX_LENGTH = 255;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        if (!usable(jwt.getSubject()) || !usable(jwt.getName())) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the token subject is not a usable identifier"));
        }
        return Uni.createFrom().item(identity);
    }

    /** 1 to 255 characters, no control characters, surrogates only in valid pairs. */
    public static boolean usable(String id) {
        if (id == null || id.isBlank() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
