package io.countersign.release;

import java.time.Instant;

/** A release token as handed to the agent: the compact JWS, its id, its executor and its expiry. */
public record IssuedRelease(String token, String jti, String audience, Instant expiresAt) {
}
