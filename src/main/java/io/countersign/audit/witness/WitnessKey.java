package io.countersign.audit.witness;

import io.countersign.audit.CheckpointSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A witness's private Ed25519 cosigning key, stored in the Go {@code note} signer-key text
 * form {@code PRIVATE+KEY+<name>+<hex keyID>+<base64(0x04 || 32-byte seed)>} (mode 0600).
 */
public final class WitnessKey {

    /** PKCS#8 prefix of a raw 32-byte Ed25519 private key (seed). */
    private static final byte[] PKCS8_ED25519_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final String PREFIX = "PRIVATE+KEY+";

    private final String name;
    private final byte[] keyId;
    private final PrivateKey privateKey;
    private final byte[] publicKey;

    private WitnessKey(String name, byte[] seed) throws GeneralSecurityException {
        this.name = name;
        byte[] der = new byte[PKCS8_ED25519_PREFIX.length + 32];
        System.arraycopy(PKCS8_ED25519_PREFIX, 0, der, 0, PKCS8_ED25519_PREFIX.length);
        System.arraycopy(seed, 0, der, PKCS8_ED25519_PREFIX.length, 32);
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        this.privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(der));
        this.publicKey = publicFromPrivate(privateKey);
        this.keyId = Cosignature.keyId(name, publicKey);
    }

    /** Reads a key file; throws IOException or IllegalArgumentException when it is not a cosigning key. */
    public static WitnessKey read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        String[] parts = text.startsWith(PREFIX) ? text.substring(PREFIX.length()).split("\\+", 3) : new String[0];
        if (parts.length != 3) {
            throw new IllegalArgumentException(file + " is not a witness key (PRIVATE+KEY+name+keyid+key)");
        }
        byte[] raw = Base64.getDecoder().decode(parts[2]);
        if (raw.length != 33 || raw[0] != Cosignature.ALG_COSIGNATURE_V1) {
            throw new IllegalArgumentException(file + " is not an Ed25519 cosignature/v1 key");
        }
        try {
            WitnessKey k = new WitnessKey(parts[0], Arrays.copyOfRange(raw, 1, 33));
            if (!Arrays.equals(k.keyId, HexFormat.of().parseHex(parts[1]))) {
                throw new IllegalArgumentException(file + ": key ID does not match the key");
            }
            return k;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Generates a new key named {@code name} into {@code file} (refusing to overwrite one). */
    public static WitnessKey generate(String name, Path file) throws IOException {
        if (name.isEmpty() || name.contains("+") || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("witness name must be non-empty without '+' or spaces");
        }
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] pkcs8 = kp.getPrivate().getEncoded();
            byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
            WitnessKey k = new WitnessKey(name, seed);
            byte[] raw = new byte[33];
            raw[0] = Cosignature.ALG_COSIGNATURE_V1;
            System.arraycopy(seed, 0, raw, 1, 32);
            String text = PREFIX + name + "+" + HexFormat.of().formatHex(k.keyId) + "+" + Base64.getEncoder().encodeToString(raw) + "\n";
            CheckpointSigner.writePrivateKeyFile(file, text); // fails if the file exists: never replace a witness identity
            return k;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] publicFromPrivate(PrivateKey key) throws GeneralSecurityException {
        // The JDK has no seed-to-public-key call; its Ed25519 generator draws exactly the
        // 32-byte seed from the SecureRandom, so feeding it the seed yields the matching key.
        NamedParameterSpec spec = NamedParameterSpec.ED25519;
        byte[] pkcs8 = key.getEncoded();
        byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(spec, new FixedRandom(seed));
        byte[] x509 = g.generateKeyPair().getPublic().getEncoded();
        return Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    }

    /** A SecureRandom that returns one fixed seed: how the JDK derives an Ed25519 key pair from a seed. */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }

    /** The witness name (first part of its signature lines). */
    public String name() {
        return name;
    }

    /** The public key as a cosigner verifier key. */
    public Cosignature.CosignerKey verifier() {
        return new Cosignature.CosignerKey(name, keyId, publicKey);
    }

    /** Cosigns a checkpoint body at {@code time} (unix seconds); returns the signature line. */
    public String cosign(long time, String checkpointText) {
        return Cosignature.sign(name, keyId, privateKey, time, checkpointText);
    }
}
