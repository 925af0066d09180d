package io.countersign.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.release.verify.Jwks;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EC P-256 key handling for release tokens with the JDK alone: generation, RFC 7638
 * thumbprints, JWK writing, and reading PEM (PKCS#8, SEC1, SPKI) and JWK / JWK Set files.
 */
final class ReleaseKeyMaterial {

    /** One key as loaded: the private half is null for verify-only (public) keys. */
    record LoadedKey(String kid, ECPublicKey publicKey, ECPrivateKey privateKey) {

        boolean canSign() {
            return privateKey != null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final byte[] OID_EC_PUBLIC_KEY = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
    private static final byte[] OID_P256 = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x03, 0x01, 0x07};

    private ReleaseKeyMaterial() {
    }

    static LoadedKey generate() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = gen.generateKeyPair();
            ECPublicKey pub = (ECPublicKey) pair.getPublic();
            return new LoadedKey(thumbprint(pub), pub, (ECPrivateKey) pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key", e);
        }
    }

    /** RFC 7638 JWK thumbprint (SHA-256, base64url): a stable kid derived from the key itself. */
    static String thumbprint(ECPublicKey key) {
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + b64(coord(key.getW().getAffineX()))
                + "\",\"y\":\"" + b64(coord(key.getW().getAffineY())) + "\"}";
        try {
            return b64(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWK published in the JWKS. */
    static Map<String, Object> publicJwk(String kid, ECPublicKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("kid", kid);
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        jwk.put("x", b64(coord(key.getW().getAffineX())));
        jwk.put("y", b64(coord(key.getW().getAffineY())));
        return jwk;
    }

    /** The private JWK text kept on disk for a generated key. */
    static String privateJwkJson(LoadedKey key) {
        Map<String, Object> jwk = publicJwk(key.kid(), key.publicKey());
        jwk.put("d", b64(coord(key.privateKey().getS())));
        try {
            return JSON.writeValueAsString(jwk) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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
            List<LoadedKey> keys = text.stripLeading().startsWith("{") ? fromJson(text) : fromPem(text);
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("no EC P-256 key found");
            }
            return keys;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("release key file " + file + ": " + e.getMessage(), e);
        }
    }

    static List<LoadedKey> fromJson(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON");
        }
        List<JsonNode> jwks = new ArrayList<>();
        if (root.has("keys") && root.get("keys").isArray()) {
            root.get("keys").forEach(jwks::add);
        } else {
            jwks.add(root);
        }
        List<LoadedKey> out = new ArrayList<>();
        for (JsonNode jwk : jwks) {
            if (!"EC".equals(jwk.path("kty").asText()) || !"P-256".equals(jwk.path("crv").asText())) {
                continue;
            }
            ECPublicKey pub = Jwks.ecPublicKey(jwk);
            ECPrivateKey priv = null;
            if (jwk.hasNonNull("d")) {
                byte[] d = decode(jwk.get("d").asText());
                if (d.length != 32) {
                    throw new IllegalArgumentException("JWK \"d\" must be 32 bytes for P-256");
                }
                priv = privateKey(new BigInteger(1, d));
            }
            String kid = jwk.hasNonNull("kid") ? jwk.get("kid").asText() : thumbprint(pub);
            out.add(checked(new LoadedKey(kid, pub, priv)));
        }
        return out;
    }

    static List<LoadedKey> fromPem(String text) {
        List<byte[]> privates = new ArrayList<>();
        List<byte[]> sec1 = new ArrayList<>();
        List<ECPublicKey> publics = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(text);
        while (m.find()) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PEM block " + m.group(1) + " is not base64");
            }
            switch (m.group(1)) {
                case "PRIVATE KEY" -> privates.add(der);
                case "EC PRIVATE KEY" -> sec1.add(der);
                case "PUBLIC KEY" -> publics.add(spki(der));
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                        "encrypted PEM keys are not supported; store the key unencrypted in a secret (openssl pkcs8 -topk8 -nocrypt)");
                default -> throw new IllegalArgumentException("unsupported PEM block " + m.group(1));
            }
        }
        for (byte[] pkcs8 : privates) {
            sec1.add(unwrapPkcs8(pkcs8));
        }
        if (sec1.size() > 1) {
            throw new IllegalArgumentException("a PEM key file must hold one private key");
        }
        List<LoadedKey> out = new ArrayList<>();
        if (sec1.size() == 1) {
            Sec1 parsed = parseSec1(sec1.get(0));
            ECPublicKey pub = parsed.publicKey;
            if (pub == null) {
                if (publics.size() != 1) {
                    throw new IllegalArgumentException("the private key carries no public key; append it to the file"
                            + " (openssl pkey -in key.pem -pubout >> key.pem)");
                }
                pub = publics.get(0);
            }
            out.add(checked(new LoadedKey(thumbprint(pub), pub, parsed.privateKey)));
        } else {
            for (ECPublicKey pub : publics) {
                out.add(new LoadedKey(thumbprint(pub), pub, null));
            }
        }
        return out;
    }

    /** Proves that the private half matches the public half before the key is ever used. */
    private static LoadedKey checked(LoadedKey key) {
        if (!key.canSign()) {
            return key;
        }
        try {
            byte[] probe = "countersign release key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(key.privateKey());
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
            v.initVerify(key.publicKey());
            v.update(probe);
            if (!v.verify(sig)) {
                throw new IllegalArgumentException("private and public key of \"" + key.kid() + "\" do not match");
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable key \"" + key.kid() + "\": " + e.getMessage());
        }
    }

    private static ECPublicKey spki(byte[] der) {
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            ECPublicKey ec = (ECPublicKey) key;
            if (!ec.getParams().getCurve().equals(Jwks.P256.getCurve())) {
                throw new IllegalArgumentException("public key is not on P-256");
            }
            return Jwks.publicKey(ec.getW().getAffineX(), ec.getW().getAffineY());
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("PUBLIC KEY is not an EC P-256 key");
        }
    }

    private record Sec1(ECPrivateKey privateKey, ECPublicKey publicKey) {
    }

    /** PrivateKeyInfo (RFC 5208) to the inner SEC1 ECPrivateKey, checking the algorithm is EC P-256. */
    private static byte[] unwrapPkcs8(byte[] der) {
        Der outer = new Der(new Der(der).expect(0x30));
        outer.expect(0x02); // version
        Der alg = new Der(outer.expect(0x30));
        if (!Arrays.equals(alg.expect(0x06), OID_EC_PUBLIC_KEY)) {
            throw new IllegalArgumentException("PRIVATE KEY is not an EC key (only ES256 / P-256 is supported)");
        }
        if (!alg.hasMore() || !Arrays.equals(alg.expect(0x06), OID_P256)) {
            throw new IllegalArgumentException("PRIVATE KEY is not on curve P-256");
        }
        return outer.expect(0x04);
    }

    /** RFC 5915 ECPrivateKey: version, d, optional [0] curve, optional [1] public point. */
    private static Sec1 parseSec1(byte[] der) {
        Der seq = new Der(new Der(der).expect(0x30));
        seq.expect(0x02);
        byte[] d = seq.expect(0x04);
        ECPublicKey pub = null;
        while (seq.hasMore()) {
            int tag = seq.peekTag();
            byte[] value = seq.expect(tag);
            if (tag == 0xA0 && !Arrays.equals(new Der(value).expect(0x06), OID_P256)) {
                throw new IllegalArgumentException("EC PRIVATE KEY is not on curve P-256");
            }
            if (tag == 0xA1) {
                byte[] bits = new Der(value).expect(0x03);
                if (bits.length != 66 || bits[0] != 0 || bits[1] != 0x04) {
                    throw new IllegalArgumentException("EC public point must be uncompressed P-256");
                }
                pub = Jwks.publicKey(new BigInteger(1, Arrays.copyOfRange(bits, 2, 34)),
                        new BigInteger(1, Arrays.copyOfRange(bits, 34, 66)));
            }
        }
        return new Sec1(privateKey(new BigInteger(1, d)), pub);
    }

    private static ECPrivateKey privateKey(BigInteger d) {
        if (d.signum() <= 0 || d.compareTo(Jwks.P256.getOrder()) >= 0) {
            throw new IllegalArgumentException("EC private scalar out of range");
        }
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, Jwks.P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid EC private key");
        }
    }

    /** Minimal DER reader: enough for the three key structures above, bounds-checked. */
    private static final class Der {
        private final byte[] b;
        private int pos;

        Der(byte[] b) {
            this.b = b;
        }

        boolean hasMore() {
            return pos < b.length;
        }

        int peekTag() {
            if (pos >= b.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            return b[pos] & 0xff;
        }

        byte[] expect(int tag) {
            if (peekTag() != tag) {
                throw new IllegalArgumentException("unexpected DER structure (tag " + peekTag() + ", expected " + tag + ")");
            }
            pos++;
            if (pos >= b.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            int len = b[pos++] & 0xff;
            if ((len & 0x80) != 0) {
                int n = len & 0x7f;
                if (n == 0 || n > 3 || pos + n > b.length) {
                    throw new IllegalArgumentException("bad DER length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (b[pos++] & 0xff);
                }
            }
            if (len > b.length - pos) {
                throw new IllegalArgumentException("truncated DER");
            }
            byte[] value = Arrays.copyOfRange(b, pos, pos + len);
            pos += len;
            return value;
        }
    }

    static byte[] coord(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] decode(String s) {
        try {
            return Base64.getUrlDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JWK member is not base64url");
        }
    }
}
