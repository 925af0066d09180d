package io.countersign.common;

import java.util.List;
import java.util.Map;

/**
 * Adds public keys of other Countersign signers (for example the audit checkpoint key) to
 * {@code /.well-known/jwks.json}. Implement as a CDI bean; each map is one public JWK that
 * must carry a {@code kid} distinct from every other published key.
 */
public interface JwksContributor {

    /** The public JWKs to publish (never private members such as {@code d}). */
    List<Map<String, Object>> jwks();
}
