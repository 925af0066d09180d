package io.countersign.release;

import io.countersign.release.ReleaseKeyMaterial.LoadedKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The release keys in force: exactly one signing key plus the verify-only keys that stay
 * published (and accepted) until the tokens they signed have expired. Immutable.
 */
final class ReleaseKeyRing {

    /** File name of the generated signing key inside the key directory. */
    static final String GENERATED_FILE = "release-signing.jwk";
    /** Generated keys renamed to this pattern are retired: published, never used to sign. */
    static final String RETIRED_GLOB = "retired-*.jwk";

    private final LoadedKey signing;
    private final List<LoadedKey> verifyOnly;
    private final String source;

    private ReleaseKeyRing(LoadedKey signing, List<LoadedKey> verifyOnly, String source) {
        this.signing = signing;
        this.verifyOnly = List.copyOf(verifyOnly);
        this.source = source;
    }

    /**
     * Loads the configured signing key, or (when none is configured and {@code generate} is
     * on) the generated key in {@code dir}, creating it on first start; then the verify-only keys.
     */
    static ReleaseKeyRing load(Optional<Path> signingKey, List<Path> verifyOnlyFiles, Path dir, boolean generate) {
        LoadedKey signing;
        String source;
        List<LoadedKey> verifyOnly = new ArrayList<>();
        if (signingKey.isPresent()) {
            List<LoadedKey> keys = ReleaseKeyMaterial.read(signingKey.get());
            List<LoadedKey> privates = keys.stream().filter(LoadedKey::canSign).toList();
            if (privates.size() != 1) {
                throw new IllegalStateException("release signing key file " + signingKey.get()
                        + " must hold exactly one private EC P-256 key, found " + privates.size());
            }
            signing = privates.get(0);
            source = signingKey.get().toString();
        } else if (generate) {
            signing = loadOrGenerate(dir);
            source = dir.resolve(GENERATED_FILE).toString();
            verifyOnly.addAll(retired(dir));
        } else {
            throw new IllegalStateException("no release signing key: set countersign.release.keys.signing-key"
                    + " (PEM or JWK file) or countersign.release.keys.generate=true");
        }
        for (Path file : verifyOnlyFiles) {
            for (LoadedKey k : ReleaseKeyMaterial.read(file)) {
                verifyOnly.add(new LoadedKey(k.kid(), k.publicKey(), null));
            }
        }
        return new ReleaseKeyRing(signing, dedupe(signing, verifyOnly), source);
    }

    /** The key that signs new tokens. */
    LoadedKey signing() {
        return signing;
    }

    /** Keys published for verification only. */
    List<LoadedKey> verifyOnly() {
        return verifyOnly;
    }

    /** Where the signing key came from (a path; never key material), for the startup log. */
    String source() {
        return source;
    }

    /** kid to public key of every published key, signing key first. */
    Map<String, ECPublicKey> verificationKeys() {
        Map<String, ECPublicKey> out = new LinkedHashMap<>();
        out.put(signing.kid(), signing.publicKey());
        verifyOnly.forEach(k -> out.put(k.kid(), k.publicKey()));
        return Collections.unmodifiableMap(out);
    }

    /** The public JWKs of every published key, signing key first. */
    List<Map<String, Object>> publicJwks() {
        List<Map<String, Object>> out = new ArrayList<>();
        verificationKeys().forEach((kid, key) -> out.add(ReleaseKeyMaterial.publicJwk(kid, key)));
        return out;
    }

    private static List<LoadedKey> dedupe(LoadedKey signing, List<LoadedKey> verifyOnly) {
        Map<String, LoadedKey> byKid = new LinkedHashMap<>();
        byKid.put(signing.kid(), signing);
        List<LoadedKey> out = new ArrayList<>();
        for (LoadedKey k : verifyOnly) {
            LoadedKey seen = byKid.putIfAbsent(k.kid(), k);
            if (seen == null) {
                out.add(k);
            } else if (!seen.publicKey().equals(k.publicKey())) {
                throw new IllegalStateException("release key id \"" + k.kid() + "\" names two different keys");
            }
        }
        return out;
    }

    private static List<LoadedKey> retired(Path dir) {
        List<LoadedKey> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, RETIRED_GLOB)) {
            for (Path f : files) {
                for (LoadedKey k : ReleaseKeyMaterial.read(f)) {
                    out.add(new LoadedKey(k.kid(), k.publicKey(), null));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list release key directory " + dir + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> a.kid().compareTo(b.kid()));
        return out;
    }

    /**
     * Reads the generated key, or creates it. Creation is write-to-temp then hard-link, so two
     * processes starting together on one directory end up with the same single key.
     */
    private static LoadedKey loadOrGenerate(Path dir) {
        Path file = dir.resolve(GENERATED_FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                restrict(dir, "rwx------");
                LoadedKey fresh = ReleaseKeyMaterial.generate();
                Path tmp = Files.createTempFile(dir, ".release-signing-", ".tmp");
                try {
                    restrict(tmp, "rw-------");
                    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                        ch.write(ByteBuffer.wrap(ReleaseKeyMaterial.privateJwkJson(fresh).getBytes(StandardCharsets.UTF_8)));
                        ch.force(true);
                    }
                    publish(tmp, file);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create release signing key in " + dir + ": " + e.getMessage(), e);
        }
        List<LoadedKey> keys = ReleaseKeyMaterial.read(file);
        if (keys.size() != 1 || !keys.get(0).canSign()) {
            throw new IllegalStateException("generated release key " + file + " must hold one private EC P-256 JWK");
        }
        return keys.get(0);
    }

    private static void publish(Path tmp, Path file) throws IOException {
        try {
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException lostRace) {
            // Another process created the key first: use theirs.
        } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
            // File systems without hard links: a plain move, which also refuses to overwrite.
            try {
                Files.move(tmp, file);
            } catch (FileAlreadyExistsException lostRace) {
                // as above
            }
        }
    }

    private static void restrict(Path path, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the directory's ACL applies.
        }
    }
}
