package io.countersign.release.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads ES256 (EC P-256) public keys from a JWK Set (RFC 7517) with nothing but the JDK and
 * Jackson. Keys of other types (for example an Ed25519 checkpoint key published in the same
 * set), keys marked for another use or algorithm, and points not on the curve are skipped.
 */
public final class Jwks {

    /** The NIST P-256 (secp256r1) domain parameters. */
    public static final ECParameterSpec P256 = p256();

    private Jwks() {
    }

    /** kid to public key for every usable ES256 key of {@code jwks} ({@code {"keys":[...]}}). */
    public static Map<String, ECPublicKey> parse(JsonNode jwks) {
        JsonNode keys = jwks == null ? null : jwks.get("keys");
        if (keys == null || !keys.isArray()) {
            throw new IllegalArgumentException("not a JWK Set: no \"keys\" array");
        }
        Map<String, ECPublicKey> out = new LinkedHashMap<>();
        for (Iterator<JsonNode> it = keys.elements(); it.hasNext();) {
            JsonNode jwk = it.next();
            String kid = text(jwk, "kid");
            if (kid == null || !isEs256SigningKey(jwk)) {
                continue;
            }
            try {
                out.putIfAbsent(kid, ecPublicKey(jwk));
            } catch (IllegalArgumentException e) {
                // A broken entry must not hide the good ones; its kid then reads as unknown.
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** True for an EC P-256 JWK not restricted to another use or algorithm. */
    public static boolean isEs256SigningKey(JsonNode jwk) {
        String use = text(jwk, "use");
        String alg = text(jwk, "alg");
        return "EC".equals(text(jwk, "kty")) && "P-256".equals(text(jwk, "crv"))
                && (use == null || "sig".equals(use)) && (alg == null || "ES256".equals(alg));
    }

    /** The public key of an EC P-256 JWK; refuses coordinates that are not a point on the curve. */
    public static ECPublicKey ecPublicKey(JsonNode jwk) {
        if (!"EC".equals(text(jwk, "kty")) || !"P-256".equals(text(jwk, "crv"))) {
            throw new IllegalArgumentException("not an EC P-256 JWK");
        }
        BigInteger x = coordinate(jwk, "x");
        BigInteger y = coordinate(jwk, "y");
        return publicKey(x, y);
    }

    /** An EC P-256 public key from affine coordinates, checked to lie on the curve. */
    public static ECPublicKey publicKey(BigInteger x, BigInteger y) {
        BigInteger p = ((ECFieldFp) P256.getCurve().getField()).getP();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            throw new IllegalArgumentException("EC coordinates out of range");
        }
        BigInteger lhs = y.multiply(y).mod(p);
        BigInteger rhs = x.pow(3).add(P256.getCurve().getA().multiply(x)).add(P256.getCurve().getB()).mod(p);
        if (!lhs.equals(rhs)) {
            throw new IllegalArgumentException("EC point is not on the P-256 curve");
        }
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid EC public key: " + e.getMessage(), e);
        }
    }

    private static BigInteger coordinate(JsonNode jwk, String name) {
        String value = text(jwk, name);
        if (value == null) {
            throw new IllegalArgumentException("JWK has no \"" + name + "\"");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JWK \"" + name + "\" is not base64url");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException("JWK \"" + name + "\" must be 32 bytes for P-256");
        }
        return new BigInteger(1, bytes);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256 support", e);
        }
    }
}
