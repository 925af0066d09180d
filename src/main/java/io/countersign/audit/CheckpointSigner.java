package io.countersign.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.JwksContributor;
import io.countersign.common.json.JsonSupport;
import io.quarkus.logging.Log;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds the Ed25519 key that signs audit checkpoints: loaded from configuration (JWK text or
 * file) or, on the embedded default, generated on first start. Publishes the public key as a
 * note verifier key and as an OKP JWK.
 */
@ApplicationScoped
public class CheckpointSigner implements JwksContributor {

    /** PKCS#8 prefix of a raw 32-byte Ed25519 private key. */
    private static final byte[] PKCS8_ED25519_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    @Inject
    AuditConfig config;

    private PrivateKey privateKey;
    private byte[] rawPublicKey;
    private byte[] keyId;
    private String name;
    /** Raw public keys of retired signing keys (verify and publish only). */
    private final List<byte[]> retired = new ArrayList<>();

    @PostConstruct
    void init() {
        name = config.origin();
        try {
            String jwk;
            if (config.keyJwk().isPresent() && !config.keyJwk().get().isBlank()) {
                jwk = config.keyJwk().get();
            } else {
                Path file = Path.of(config.keyFile());
                if (!Files.exists(file)) {
                    if (!config.generateKey()) {
                        throw new IllegalStateException("audit checkpoint key " + file.toAbsolutePath()
                                + " is missing and countersign.audit.generate-key is false");
                    }
                    generate(file);
                }
                jwk = Files.readString(file, StandardCharsets.UTF_8);
            }
            load(jwk);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the audit checkpoint signing key: " + e.getMessage(), e);
        }
        keyId = SignedNote.keyId(name, rawPublicKey);
        try {
            if (config.retiredKeys().isPresent() && !config.retiredKeys().get().isBlank()) {
                addRetired(config.retiredKeys().get(), "countersign.audit.retired-keys");
            }
            if (config.retiredKeysFile().isPresent() && !config.retiredKeysFile().get().isBlank()) {
                Path file = Path.of(config.retiredKeysFile().get());
                addRetired(Files.readString(file, StandardCharsets.UTF_8), file.toAbsolutePath().toString());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the retired audit checkpoint keys: " + e.getMessage(), e);
        }
        Log.infof("Audit checkpoints signed by %s; %d retired key(s) still verify older checkpoints", verifierKey(), retired.size());
    }

    /** The raw public key of an Ed25519 OKP JWK (its 32-byte {@code x}), or null for any other key. */
    public static byte[] ed25519PublicKey(JsonNode jwk) {
        if (!"OKP".equals(jwk.path("kty").asText()) || !"Ed25519".equals(jwk.path("crv").asText()) || !jwk.hasNonNull("x")) {
            return null;
        }
        byte[] x = Base64.getUrlDecoder().decode(jwk.get("x").asText());
        return x.length == 32 ? x : null;
    }

    /** Reads the public halves of a JWKS; refuses anything but Ed25519 OKP keys so a typo cannot silently drop a key. */
    private void addRetired(String jwksText, String source) throws IOException {
        JsonNode keys = JsonSupport.MAPPER.readTree(jwksText).path("keys");
        if (!keys.isArray() || keys.isEmpty()) {
            throw new IllegalArgumentException(source + " is not a JWKS with a non-empty \"keys\" array");
        }
        for (JsonNode k : keys) {
            byte[] x = ed25519PublicKey(k);
            if (x == null) {
                throw new IllegalArgumentException(source + " holds a key that is not an Ed25519 OKP public key (32-byte \"x\")");
            }
            if (!Arrays.equals(x, rawPublicKey) && retired.stream().noneMatch(r -> Arrays.equals(r, x))) {
                retired.add(x);
            }
        }
    }

    private void generate(Path file) throws IOException, GeneralSecurityException {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] pub = Arrays.copyOfRange(kp.getPublic().getEncoded(), SignedNote.X509_ED25519_PREFIX.length,
                kp.getPublic().getEncoded().length);
        byte[] pkcs8 = kp.getPrivate().getEncoded();
        byte[] d = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        String jwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + B64URL.encodeToString(pub)
                + "\",\"d\":\"" + B64URL.encodeToString(d) + "\"}\n";
        writePrivateKeyFile(file, jwk);
        Log.infof("Generated a new audit checkpoint signing key in %s", file.toAbsolutePath());
    }

    /**
     * Writes a new private key file readable by its owner only (mode 0600 where the file system
     * has POSIX permissions), complete or not at all, and never over an existing file.
     */
    public static void writePrivateKeyFile(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "key", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            Log.warnf("Cannot restrict permissions of the key file %s on this file system", file);
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void load(String jwkText) throws IOException, GeneralSecurityException {
        JsonNode jwk = JsonSupport.MAPPER.readTree(jwkText);
        if (!"OKP".equals(jwk.path("kty").asText()) || !"Ed25519".equals(jwk.path("crv").asText())
                || !jwk.hasNonNull("x") || !jwk.hasNonNull("d")) {
            throw new GeneralSecurityException("the audit signing key must be an Ed25519 OKP JWK with x and d");
        }
        rawPublicKey = Base64.getUrlDecoder().decode(jwk.get("x").asText());
        byte[] d = Base64.getUrlDecoder().decode(jwk.get("d").asText());
        if (d.length != 32 || rawPublicKey.length != 32) {
            throw new GeneralSecurityException("Ed25519 keys are 32 bytes");
        }
        byte[] der = new byte[PKCS8_ED25519_PREFIX.length + 32];
        System.arraycopy(PKCS8_ED25519_PREFIX, 0, der, 0, PKCS8_ED25519_PREFIX.length);
        System.arraycopy(d, 0, der, PKCS8_ED25519_PREFIX.length, 32);
        privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        // x is not derived from d by the JDK API: prove they belong together before trusting them.
        byte[] probe = "countersign audit key check\n".getBytes(StandardCharsets.UTF_8);
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(privateKey);
        s.update(probe);
        if (!SignedNote.ed25519Verify(rawPublicKey, probe, s.sign())) {
            throw new GeneralSecurityException("the audit signing key's x does not match its d");
        }
    }

    /** Signs a checkpoint and returns the complete signed note. */
    public String sign(Checkpoint checkpoint) {
        return SignedNote.sign(checkpoint.text(), name, keyId, privateKey);
    }

    /** Hex key ID (first 4 bytes of the note key hash). */
    public String keyIdHex() {
        return HexFormat.of().formatHex(keyId);
    }

    /** The note verifier key {@code name+keyid+base64(0x01||key)} to give to offline verifiers. */
    public String verifierKey() {
        return new SignedNote.VerifierKey(name, keyId, rawPublicKey).format();
    }

    /** The note verifier key as a parsed value. */
    public SignedNote.VerifierKey verifier() {
        return new SignedNote.VerifierKey(name, keyId, rawPublicKey);
    }

    /** The current key and every retired key: what verifies checkpoints signed before and after rotations. */
    public List<SignedNote.VerifierKey> verifiers() {
        List<SignedNote.VerifierKey> all = new ArrayList<>();
        all.add(verifier());
        for (byte[] x : retired) {
            all.add(new SignedNote.VerifierKey(name, SignedNote.keyId(name, x), x));
        }
        return all;
    }

    @Override
    public List<Map<String, Object>> jwks() {
        return publicJwks();
    }

    /** Public keys (current first, then retired) as OKP JWKs, kid {@code countersign-audit-<keyid>}, for /.well-known/jwks.json. */
    public List<Map<String, Object>> publicJwks() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SignedNote.VerifierKey k : verifiers()) {
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "OKP");
            jwk.put("crv", "Ed25519");
            jwk.put("x", B64URL.encodeToString(k.publicKey()));
            jwk.put("kid", "countersign-audit-" + HexFormat.of().formatHex(k.keyId()));
            jwk.put("use", "sig");
            jwk.put("alg", "EdDSA");
            out.add(jwk);
        }
        return out;
    }
}
