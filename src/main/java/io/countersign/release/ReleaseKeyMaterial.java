package io.countersign.release;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EC P-256 release keys on Nimbus JOSE+JWT: generation, RFC 7638 thumbprints (the kid), JWK
 * writing, and reading JWK / JWK Set files; {@link PemKeys} reads PEM files. A private key is
 * used only once its public half is proven to be the one its private scalar makes.
 */
final class ReleaseKeyMaterial {

    /** One key as loaded: the private half is null for verify-only (public) keys. */
    record LoadedKey(String kid, ECPublicKey publicKey, ECPrivateKey privateKey) {

        boolean canSign() {
            return privateKey != null;
        }
    }

    private static final int P256_BYTES = 32;

    private ReleaseKeyMaterial() {
    }

    static LoadedKey generate() {
        try {
            return loaded(new ECKeyGenerator(Curve.P_256).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key", e);
        }
    }

    /** RFC 7638 JWK thumbprint (SHA-256, base64url): a stable kid derived from the key itself. */
    static String thumbprint(ECPublicKey key) {
        return thumbprint(new ECKey.Builder(Curve.P_256, key).build());
    }

    /** The public JWK published in the JWKS. */
    static Map<String, Object> publicJwk(String kid, ECPublicKey key) {
        return new LinkedHashMap<>(jwk(kid, key).build().toJSONObject());
    }

    /** The private JWK text kept on disk for a generated key. */
    static String privateJwkJson(LoadedKey key) {
        return jwk(key.kid(), key.publicKey()).privateKey(key.privateKey()).build().toJSONString() + "\n";
    }

    /** Every key in a PEM, JWK or JWK Set file. */
    static List<LoadedKey> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read release key file " + file + ": " + e.getMessage(), e);
        }
        try {
            List<ECKey> found = text.stripLeading().startsWith("{") ? fromJson(text) : PemKeys.read(text);
            List<LoadedKey> keys = found.stream().map(ReleaseKeyMaterial::loaded).toList();
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("no EC P-256 key found");
            }
            return keys;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("release key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The EC P-256 keys of a JWK or JWK Set; keys of other types and curves are skipped. */
    private static List<ECKey> fromJson(String text) {
        List<JWK> jwks;
        try {
            Map<String, Object> json = JSONObjectUtils.parse(text);
            jwks = json.containsKey("keys") ? JWKSet.parse(json).getKeys() : List.of(JWK.parse(json));
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a valid JWK or JWK Set: " + e.getMessage());
        }
        return jwks.stream().filter(j -> j instanceof ECKey ec && Curve.P_256.equals(ec.getCurve()))
                .map(ECKey.class::cast).toList();
    }

    /** The kid is the JWK's own, or the thumbprint; a private key must make exactly its public key. */
    private static LoadedKey loaded(ECKey jwk) {
        String kid = jwk.getKeyID() != null ? jwk.getKeyID() : thumbprint(jwk);
        try {
            if (!jwk.isPrivate()) {
                return new LoadedKey(kid, jwk.toECPublicKey(), null);
            }
            if (jwk.getD() != null && jwk.getD().decode().length != P256_BYTES) {
                throw new IllegalArgumentException("JWK \"d\" must be 32 bytes for P-256");
            }
            if (!(jwk.toPrivateKey() instanceof ECPrivateKey privateKey)) {
                throw new IllegalArgumentException("the private key of \"" + kid + "\" is not an EC key");
            }
            if (!coordinates(PemKeys.fromPrivate(privateKey.getS())).equals(coordinates(jwk))) {
                throw new IllegalArgumentException("private and public key of \"" + kid + "\" do not match");
            }
            return new LoadedKey(kid, jwk.toECPublicKey(), privateKey);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable key \"" + kid + "\": " + e.getMessage());
        }
    }

    private static List<BigInteger> coordinates(ECKey key) {
        return List.of(key.getX().decodeToBigInteger(), key.getY().decodeToBigInteger());
    }

    private static ECKey.Builder jwk(String kid, ECPublicKey key) {
        return new ECKey.Builder(Curve.P_256, key).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256);
    }

    private static String thumbprint(ECKey key) {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot compute the JWK thumbprint", e);
        }
    }
}
