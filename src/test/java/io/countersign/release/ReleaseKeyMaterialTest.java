package io.countersign.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.release.ReleaseKeyMaterial.LoadedKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files users already have keep loading, with kids computed outside Java (release-keys/README.md). */
class ReleaseKeyMaterialTest {

    private static final Path KEYS = Path.of("src/test/resources/release-keys");
    /** RFC 7638 thumbprints of the fixture keys, computed with openssl and Python's hashlib. */
    private static final String OLD_SIGNING_KID = "1iIgNx-8EZtlXCykT3o9JKb64-2rvZiCi_y85ojPqYk";
    private static final String NEW_SIGNING_KID = "OnUKfMfNpjz4XYoPq8J5VPUrhBbrpAPKKuB1Abka1N4";
    private static final String GENERATED_0_1_KID = "44bGcehCIJNNDolgT_b00z5qqjrsBlF5kjfIJjun3Vs";

    @TempDir
    Path dir;

    private static LoadedKey only(String file) {
        List<LoadedKey> keys = ReleaseKeyMaterial.read(KEYS.resolve(file));
        assertEquals(1, keys.size(), file);
        return keys.get(0);
    }

    private IllegalStateException refused(String pem) throws Exception {
        Path file = Files.writeString(dir.resolve("key.pem"), pem);
        return assertThrows(IllegalStateException.class, () -> ReleaseKeyMaterial.read(file));
    }

    @Test
    void kidsOfPemKeysAreTheirIndependentlyComputedThumbprints() {
        assertEquals(OLD_SIGNING_KID, only("old-signing-sec1.pem").kid());
        assertEquals(OLD_SIGNING_KID, only("old-public.pem").kid());
        assertEquals(NEW_SIGNING_KID, only("new-signing-pkcs8.pem").kid());
        assertEquals(NEW_SIGNING_KID, ReleaseKeyMaterial.thumbprint(only("new-signing-pkcs8.pem").publicKey()));
    }

    @Test
    void loadsAGeneratedKeyFileWrittenBeforeCountersignUsedNimbus() {
        LoadedKey key = only("generated-0.1.jwk");
        assertTrue(key.canSign());
        assertEquals(GENERATED_0_1_KID, key.kid());
        assertEquals(GENERATED_0_1_KID, ReleaseKeyMaterial.thumbprint(key.publicKey()));
    }

    @Test
    void aWrittenPrivateJwkReadsBackAsTheSameKey() throws Exception {
        LoadedKey key = only("new-signing-pkcs8.pem");
        Path file = Files.writeString(dir.resolve("k.jwk"), ReleaseKeyMaterial.privateJwkJson(key));
        LoadedKey back = ReleaseKeyMaterial.read(file).get(0);
        assertEquals(key.kid(), back.kid());
        assertEquals(key.publicKey(), back.publicKey());
        assertEquals(key.privateKey().getS(), back.privateKey().getS());
    }

    @Test
    void computesThePublicHalfOfASec1KeyThatDoesNotCarryIt() {
        LoadedKey key = only("sec1-without-public.pem");
        assertTrue(key.canSign());
        assertEquals(OLD_SIGNING_KID, key.kid());
        assertEquals(only("old-public.pem").publicKey(), key.publicKey());
    }

    @Test
    void refusesAPemKeyWhosePublicPointIsAnotherKeys() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ReleaseKeyMaterial.read(KEYS.resolve("sec1-mismatched-public.pem")));
        assertTrue(e.getMessage().contains("do not match"), e.getMessage());
    }

    @Test
    void refusesEncryptedUnknownAndDoublePrivatePemFiles() throws Exception {
        String sec1 = Files.readString(KEYS.resolve("old-signing-sec1.pem"));
        String pkcs8 = Files.readString(KEYS.resolve("new-signing-pkcs8.pem"));
        assertTrue(refused("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
                .getMessage().contains("encrypted PEM keys are not supported"));
        assertTrue(refused(sec1.replace("-----BEGIN EC PRIVATE KEY-----\n",
                "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n"))
                .getMessage().contains("encrypted PEM keys are not supported"));
        assertTrue(refused("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                .getMessage().contains("unsupported PEM block CERTIFICATE"));
        assertTrue(refused(sec1 + pkcs8).getMessage().contains("must hold one private key"));
        assertTrue(refused("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
                .getMessage().contains("PRIVATE KEY is not a PKCS#8 structure"));
        assertTrue(refused("no key in here\n").getMessage().contains("no EC P-256 key found"));
    }

    @Test
    void refusesJwksThatAreNotP256KeysOrNotJwks() throws Exception {
        // The public key of p384.pem as a JWK: a valid EC key, on another curve.
        Path p384 = Files.writeString(dir.resolve("p384.jwk"), "{\"kty\":\"EC\",\"crv\":\"P-384\","
                + "\"x\":\"R4MvN0e_xrBm3fe282q7kdTqNI1haFRx6xjGcrtoFMKxf1KTM-JdEJOlOLK1LBfU\","
                + "\"y\":\"4qevcC1SxsJztLYVGUguAv0c1TPI5qaFQEpVQkw7xYEqWGjPRNoEY72Dot-YRYzP\"}");
        IllegalStateException otherCurve = assertThrows(IllegalStateException.class, () -> ReleaseKeyMaterial.read(p384));
        assertTrue(otherCurve.getMessage().contains("no EC P-256 key found"), otherCurve.getMessage());
        Path notJson = Files.writeString(dir.resolve("broken.jwk"), "{\"kty\":");
        IllegalStateException broken = assertThrows(IllegalStateException.class, () -> ReleaseKeyMaterial.read(notJson));
        assertTrue(broken.getMessage().contains("not a valid JWK"), broken.getMessage());
        Path otherTypes = Files.writeString(dir.resolve("set.jwks"), "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}");
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> ReleaseKeyMaterial.read(otherTypes));
        assertTrue(none.getMessage().contains("no EC P-256 key found"), none.getMessage());
    }
}
