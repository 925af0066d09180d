package io.countersign.release;

/** Body of {@code POST /api/v1/releases/{jti}/redeem}: the compact JWS the executor received. */
public record RedeemBody(String token) {
}
