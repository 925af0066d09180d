package io.countersign.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Where the policy file is read from: a configured file path, or the bundled classpath default. */
final class PolicySource {

    static final String BUNDLED = "policy/default-policy.yaml";

    private final Path file;
    private final int maxBytes;

    /** {@code file} null means the bundled default. */
    PolicySource(Path file, int maxBytes) {
        this.file = file == null ? null : file.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
    }

    /** A human-readable location, recorded in summaries and events. */
    String describe() {
        return file == null ? "classpath:" + BUNDLED : "file:" + file;
    }

    /** The file's bytes as they are now; every refusal names the source. */
    byte[] read() {
        try {
            byte[] bytes;
            if (file == null) {
                try (InputStream in = PolicySource.class.getClassLoader().getResourceAsStream(BUNDLED)) {
                    if (in == null) {
                        throw refuse("the bundled policy is missing from the classpath");
                    }
                    bytes = in.readNBytes(maxBytes + 1);
                }
            } else {
                if (Files.isRegularFile(file) && Files.size(file) > maxBytes) {
                    throw refuse("is larger than " + maxBytes + " bytes (countersign.policy.max-file-bytes)");
                }
                try (InputStream in = Files.newInputStream(file)) {
                    bytes = in.readNBytes(maxBytes + 1);
                }
            }
            if (bytes.length > maxBytes) {
                throw refuse("is larger than " + maxBytes + " bytes (countersign.policy.max-file-bytes)");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw refuse("does not exist");
        } catch (IOException e) {
            throw refuse("cannot be read: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private PolicyLoadException refuse(String message) {
        return new PolicyLoadException(describe(), List.of(new PolicyViolation(null, "file", message)));
    }
}
