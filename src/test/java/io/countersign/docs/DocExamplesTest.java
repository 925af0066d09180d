package io.countersign.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.countersign.docs.DocBlocks.Inbox;
import io.countersign.docs.DocBlocks.Save;
import io.countersign.docs.DocBlocks.Shell;
import io.countersign.docs.DocBlocks.Step;
import io.countersign.identity.dev.DemoIdentities;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every shell example of README.md and docs/*.md against the application with the demo
 * identities of the dev profile (build profile {@code demo}), one shell session per page, in
 * reading order, and compares what each block prints with the page's {@code output} block
 * ({@link DocBlocks}). {@code localhost:8080} in a block is this test's port. Tagged
 * {@code after-package}: it runs in the {@code doc-examples} surefire execution after
 * {@code quarkus:build}, because the pages run the verifier of the packaged application.
 */
@QuarkusTest
@TestProfile(DocExamplesTest.Demo.class)
@Tag("after-package")
public class DocExamplesTest {

    /**
     * The test profile plus the demo identities (DemoIdentities, /dev/tokens, the demo executors)
     * and the executor mapping that docs/executors.md prints under "Who may redeem", unchanged
     * (ExecutorsDocExampleTest); one profile for every after-package test, so the application is
     * built and started once for them.
     */
    public static class Demo implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "test,demo";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                String doc = Files.readString(Path.of("docs/executors.md"));
                int section = doc.indexOf("### Who may redeem");
                int start = doc.indexOf("```properties\n", section) + "```properties\n".length();
                String block = doc.substring(start, doc.indexOf("```", start));
                Map<String, String> config = new LinkedHashMap<>();
                block.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
                    int eq = l.indexOf('=');
                    config.put(l.substring(0, eq), l.substring(eq + 1));
                });
                if (config.isEmpty() || section < 0) {
                    throw new IllegalStateException("no executor mapping example in docs/executors.md");
                }
                return config;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final Path PACKAGED = Path.of("target/quarkus-app/quarkus-run.jar");

    @TestHTTPResource("/")
    URL base;

    @Inject
    DemoIdentities demo;

    @TestFactory
    Stream<DynamicTest> everyPageRunsAsWritten() throws IOException {
        assertPackagedAppIsCurrent();
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        String only = System.getProperty("doc-examples.page"); // the inner loop: one page
        return pages.stream().filter(p -> only == null || p.toString().equals(only))
                .map(page -> DynamicTest.dynamicTest(page.toString(), () -> run(page)));
    }

    private void run(Path page) throws Exception {
        List<Step> steps = DocBlocks.parse(Files.readString(page));
        if (steps.isEmpty()) {
            return;
        }
        Path dir = Path.of("target/doc-examples", page.getFileName().toString().replace(".md", ""));
        Files.createDirectories(dir.getParent());
        List<String> mismatches = new ArrayList<>(); // reported together; a failing block ends the page
        try (ShellSession shell = new ShellSession(dir)) {
            for (Step step : steps) {
                String where = page + ":" + step.line();
                if (step instanceof Save save) {
                    shell.save(save.file(), save.content());
                } else if (step instanceof Inbox inbox) {
                    UUID id = UUID.fromString(shell.variable(inbox.requestVariable()));
                    inbox.people().forEach(person -> DemoInbox.decide(demo, person, id, inbox.decision()));
                } else if (step instanceof Shell block) {
                    String script = block.script().replace("localhost:8080", "localhost:" + base.getPort());
                    ShellSession.Result r = shell.run(script);
                    String report = where + "\n--- script\n" + block.script() + "--- printed\n" + r.stdout()
                            + "--- standard error\n" + r.stderr();
                    if (!r.ok()) {
                        mismatches.add(where + ": the block failed (exit " + r.exitCode() + ")\n" + report);
                        fail(String.join("\n", mismatches));
                    }
                    if (block.expectedOutput() == null && !r.stdout().isBlank()) {
                        mismatches.add(where + ": the block prints output the page does not show (add an output block)\n"
                                + report);
                    } else if (block.expectedOutput() != null && !DocBlocks.matches(block.expectedOutput(), r.stdout())) {
                        mismatches.add(where + ": printed something else than the page shows\n--- expected\n"
                                + block.expectedOutput() + report);
                    }
                }
            }
        }
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }

    /** The pages run target/quarkus-app; one older than the compiled classes would test yesterday's code. */
    private static void assertPackagedAppIsCurrent() throws IOException {
        Path app = Path.of("target/quarkus-app/app");
        assertTrue(Files.exists(PACKAGED) && Files.isDirectory(app), "run this test after quarkus:build: "
                + ".mvn/mvnw package -Dskip.pg=true -Dtest=DocExamplesTest -Dsurefire.failIfNoSpecifiedTests=false");
        FileTime classes;
        try (Stream<Path> s = Files.walk(Path.of("target/classes"))) {
            classes = s.filter(p -> p.toString().endsWith(".class")).map(DocExamplesTest::modified)
                    .max(FileTime::compareTo).orElseThrow();
        }
        FileTime packaged;
        try (Stream<Path> s = Files.list(app)) {
            packaged = s.map(DocExamplesTest::modified).max(FileTime::compareTo).orElseThrow();
        }
        assertTrue(packaged.compareTo(classes) >= 0, "target/quarkus-app is older than target/classes: package again");
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
