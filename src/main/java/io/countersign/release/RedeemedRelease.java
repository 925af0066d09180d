package io.countersign.release;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/** Answer to a successful redemption: who redeemed what, when, and the verified token claims. */
public record RedeemedRelease(
        String jti,
        @JsonProperty("request_id") UUID requestId,
        @JsonProperty("redeemed_at") Instant redeemedAt,
        @JsonProperty("redeemed_by") String redeemedBy,
        JsonNode claims) {
}
