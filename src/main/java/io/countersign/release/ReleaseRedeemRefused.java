package io.countersign.release;

import java.util.List;
import java.util.UUID;

/** CDI event fired when an executor tries to redeem a release that names another executor. */
public record ReleaseRedeemRefused(String jti, UUID requestId, String redeemer, List<String> audience) {
}
