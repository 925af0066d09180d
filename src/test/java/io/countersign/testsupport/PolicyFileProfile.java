package io.countersign.testsupport;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The policy comes from a file that tests may rewrite and reload at run time
 * ({@code POST /api/v1/admin/policy/reload}). It starts as the short-review test policy (reviews
 * of production restarts time out after 15 s, escalation after about 11 s), and a test that
 * rewrites it puts that back with {@link #restoreShortReview()} and a reload, so the expiry and
 * escalation tests and the reload tests share one Quarkus start.
 */
public class PolicyFileProfile implements QuarkusTestProfile {

    /** Under target/, so each build has its own and a clean checkout none. */
    public static final Path FILE = Path.of("target", "test-policy", "policy.yaml").toAbsolutePath().normalize();

    private static final Path SHORT_REVIEW = Path.of("src/test/resources/review/short-review-policy.yaml");

    @Override
    public Map<String, String> getConfigOverrides() {
        restoreShortReview();
        return Map.of("countersign.policy.file", FILE.toString());
    }

    /** Replaces the file's content (reload to put it in force). */
    public static void write(String yaml) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts the short-review policy back into the file (reload to put it in force). */
    public static void restoreShortReview() {
        try {
            write(Files.readString(SHORT_REVIEW, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
