package io.countersign.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import io.countersign.release.ReleaseKeyMaterial.LoadedKey;
import io.countersign.release.verify.JwksSource;
import io.countersign.release.verify.ReleaseVerification;
import io.countersign.release.verify.ReleaseVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseKeyRingTest {

    private static final Path KEYS = Path.of("src/test/resources/release-keys");

    @TempDir
    Path dir;

    private ReleaseKeyRing generated() {
        return ReleaseKeyRing.load(Optional.empty(), List.of(), dir, true);
    }

    @Test
    void generatesKeyOnFirstStartAndReusesItOnRestart() throws Exception {
        Path keyDir = dir.resolve("data/keys");
        ReleaseKeyRing first = ReleaseKeyRing.load(Optional.empty(), List.of(), keyDir, true);
        Path file = keyDir.resolve(ReleaseKeyRing.GENERATED_FILE);
        assertTrue(Files.exists(file));
        assertEquals(Set.of(), Files.list(keyDir).filter(p -> !p.equals(file)).collect(Collectors.toSet()), "no temp files left");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyDir)));
        String onDisk = Files.readString(file);

        ReleaseKeyRing restarted = ReleaseKeyRing.load(Optional.empty(), List.of(), keyDir, true);
        assertEquals(first.signing().kid(), restarted.signing().kid());
        assertEquals(first.signing().publicKey(), restarted.signing().publicKey());
        assertEquals(onDisk, Files.readString(file), "restart must not rewrite the key");
    }

    @Test
    void concurrentFirstStartsAgreeOnOneKey() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Callable<String> start = () -> {
                go.await();
                return generated().signing().kid();
            };
            List<Future<String>> kids = List.of(pool.submit(start), pool.submit(start), pool.submit(start), pool.submit(start));
            go.countDown();
            Set<String> distinct = new java.util.HashSet<>();
            for (Future<String> f : kids) {
                distinct.add(f.get());
            }
            assertEquals(1, distinct.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void kidIsTheRfc7638ThumbprintAsComputedByNimbus() throws Exception {
        LoadedKey key = generated().signing();
        ECKey nimbus = ECKey.parse(ReleaseKeyMaterial.publicJwk(key.kid(), key.publicKey()));
        assertEquals(nimbus.computeThumbprint().toString(), key.kid());
    }

    @Test
    void rotationSignsWithNewKidWhileOldTokensStillVerifyThroughTheJwks() throws Exception {
        ReleaseKeyRing before = generated();
        LoadedKey old = before.signing();
        String payload = "{\"sql\":\"ALTER TABLE t ADD c INT\"}";
        String digest = io.countersign.common.json.Jcs.sha256Hex(io.countersign.common.json.JsonSupport.MAPPER.readTree(payload));
        Instant now = Instant.now();
        String oldToken = TestReleases.sign(old, TestReleases.header(old.kid()), TestReleases.claims("db-migrator", digest, now, now.plusSeconds(600)));

        // Rotate the generated key as docs/executors.md says: retire the file, restart.
        Files.move(dir.resolve(ReleaseKeyRing.GENERATED_FILE), dir.resolve("retired-" + old.kid() + ".jwk"));
        ReleaseKeyRing after = generated();

        assertNotEquals(old.kid(), after.signing().kid());
        assertEquals(List.of(after.signing().kid(), old.kid()), List.copyOf(after.verificationKeys().keySet()));
        assertEquals(1, after.verifyOnly().size());
        assertNull(after.verifyOnly().get(0).privateKey(), "a retired key is never used to sign");
        List<Map<String, Object>> published = after.publicJwks();
        assertFalse(published.stream().anyMatch(j -> j.containsKey("d")), "the JWKS never carries private parts");

        JwksSource jwks = JwksSource.ofJson(TestReleases.CompactJwsTestJson.write(Map.of("keys", published)));
        ReleaseVerification oldStillValid = ReleaseVerifier.verify(oldToken, payload.getBytes(StandardCharsets.UTF_8), "db-migrator", jwks);
        assertTrue(oldStillValid.ok(), oldStillValid.message());
        String newToken = TestReleases.sign(after.signing(), TestReleases.header(after.signing().kid()),
                TestReleases.claims("db-migrator", digest, now, now.plusSeconds(600)));
        ReleaseVerification fresh = ReleaseVerifier.verify(newToken, payload.getBytes(StandardCharsets.UTF_8), "db-migrator", jwks);
        assertTrue(fresh.ok(), fresh.message());
        assertEquals(after.signing().kid(), fresh.claims().keyId());

        // Once the old tokens have expired the operator deletes the retired file: the kid disappears.
        Files.delete(dir.resolve("retired-" + old.kid() + ".jwk"));
        assertEquals(Set.of(after.signing().kid()), generated().verificationKeys().keySet());
    }

    @Test
    void loadsConfiguredPkcs8SigningKeyAndVerifyOnlyKeysFromPemAndJwk() throws Exception {
        Path jwkFile = dir.resolve("retired.jwk");
        LoadedKey retired = ReleaseKeyMaterial.generate();
        Files.writeString(jwkFile, ReleaseKeyMaterial.privateJwkJson(retired));

        ReleaseKeyRing ring = ReleaseKeyRing.load(Optional.of(KEYS.resolve("new-signing-pkcs8.pem")),
                List.of(KEYS.resolve("old-signing-sec1.pem"), KEYS.resolve("old-public.pem"), jwkFile), dir.resolve("unused"), true);

        LoadedKey sec1 = ReleaseKeyMaterial.read(KEYS.resolve("old-signing-sec1.pem")).get(0);
        LoadedKey spki = ReleaseKeyMaterial.read(KEYS.resolve("old-public.pem")).get(0);
        assertTrue(sec1.canSign());
        assertFalse(spki.canSign());
        assertEquals(sec1.kid(), spki.kid(), "the SEC1 private key and its SPKI public key are one key");
        assertEquals(List.of(ring.signing().kid(), sec1.kid(), retired.kid()), List.copyOf(ring.verificationKeys().keySet()));
        assertTrue(ring.verifyOnly().stream().noneMatch(LoadedKey::canSign));
        assertFalse(Files.exists(dir.resolve("unused")), "nothing is generated when a signing key is configured");
    }

    @Test
    void refusesUnusableKeyConfigurations() throws Exception {
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> ReleaseKeyRing.load(Optional.empty(), List.of(), dir, false));
        assertTrue(none.getMessage().contains("countersign.release.keys.signing-key"));

        assertThrows(IllegalStateException.class, () -> ReleaseKeyRing.load(Optional.of(KEYS.resolve("old-public.pem")), List.of(), dir, true),
                "a public key cannot sign");
        IllegalStateException p384 = assertThrows(IllegalStateException.class,
                () -> ReleaseKeyRing.load(Optional.of(KEYS.resolve("p384.pem")), List.of(), dir, true));
        assertTrue(p384.getMessage().contains("P-256"), p384.getMessage());
        assertThrows(IllegalStateException.class,
                () -> ReleaseKeyRing.load(Optional.of(dir.resolve("missing.pem")), List.of(), dir, true));

        // A JWK whose private scalar belongs to another public key.
        LoadedKey a = ReleaseKeyMaterial.generate();
        LoadedKey b = ReleaseKeyMaterial.generate();
        Path mismatched = dir.resolve("mismatched.jwk");
        Files.writeString(mismatched, ReleaseKeyMaterial.privateJwkJson(new LoadedKey("k", a.publicKey(), b.privateKey())));
        IllegalStateException mismatch = assertThrows(IllegalStateException.class,
                () -> ReleaseKeyRing.load(Optional.of(mismatched), List.of(), dir, true));
        assertTrue(mismatch.getMessage().contains("do not match"), mismatch.getMessage());

        // Two different keys claiming one kid.
        Path clash = dir.resolve("clash.jwk");
        Files.writeString(clash, TestReleases.CompactJwsTestJson.write(ReleaseKeyMaterial.publicJwk(a.kid(), b.publicKey())));
        Path signing = dir.resolve("a.jwk");
        Files.writeString(signing, ReleaseKeyMaterial.privateJwkJson(a));
        assertThrows(IllegalStateException.class, () -> ReleaseKeyRing.load(Optional.of(signing), List.of(clash), dir, true));
    }
}
