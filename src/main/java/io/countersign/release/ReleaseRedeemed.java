package io.countersign.release;

import java.time.Instant;
import java.util.UUID;

/** CDI event fired inside the redeeming transaction when a release token is redeemed (once). */
public record ReleaseRedeemed(String jti, UUID requestId, String redeemer, Instant redeemedAt) {
}
