package io.countersign.policy;

import static io.countersign.policy.Policies.input;
import static io.countersign.policy.Policies.withDefault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading swaps in a valid file atomically and keeps the old policy when the new one is refused. */
class PolicyReloadTest {

    private static final String DENY_X = withDefault("""
              - name: deny-x
                when: type = "x"
                outcome: deny
                risk: high
            """);

    private static final String APPROVE_X = withDefault("""
              - name: approve-x
                when: type = "x"
                outcome: auto-approve
                risk: low
            """).replace("version: \"t1\"", "version: \"t2\"");

    @TempDir
    Path dir;

    private final List<Object> events = new ArrayList<>();

    private PolicyEvaluator evaluatorOn(Path file) {
        return new PolicyEvaluator(new PolicySource(file, 1 << 20), Policies.compiler(), new PolicyEvaluator.ReloadListener() {
            @Override
            public void reloaded(PolicyReloaded event) {
                events.add(event);
            }

            @Override
            public void rejected(PolicyReloadRejected event) {
                events.add(event);
            }
        });
    }

    private Path write(String content) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void reloadSwapsInTheNewPolicyAndReportsBothVersions() throws Exception {
        Path file = write(DENY_X);
        PolicyEvaluator evaluator = evaluatorOn(file);
        String v1 = evaluator.active().version();
        assertEquals(PolicyOutcome.DENY, evaluator.evaluate(input("x", "t", "dev", "{}")).outcome());

        write(APPROVE_X);
        PolicySummary summary = evaluator.reload("alice-admin");

        assertTrue(summary.version().startsWith("t2+sha256:"), summary.version());
        assertEquals(summary, evaluator.active());
        assertEquals("file:" + file.toAbsolutePath(), summary.source());
        PolicyDecision d = evaluator.evaluate(input("x", "t", "dev", "{}"));
        assertEquals(PolicyOutcome.AUTO_APPROVE, d.outcome());
        assertEquals(summary.version(), d.policyVersion());
        assertEquals(List.of(new PolicyReloaded(v1, summary.version(), "alice-admin", summary.source())), events);
    }

    @Test
    void refusedReloadKeepsTheOldPolicyAndReportsWhy() throws Exception {
        Path file = write(DENY_X);
        PolicyEvaluator evaluator = evaluatorOn(file);
        PolicySummary before = evaluator.active();

        write(APPROVE_X.replace("when: type = \"x\"", "when: type = = \"x\""));
        PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> evaluator.reload("alice-admin"));

        assertEquals("approve-x", e.violations().get(0).rule());
        assertEquals("rules[0].when", e.violations().get(0).field());
        assertEquals(before, evaluator.active());
        assertEquals(PolicyOutcome.DENY, evaluator.evaluate(input("x", "t", "dev", "{}")).outcome());
        assertEquals(List.of(new PolicyReloadRejected(before.version(), "alice-admin", "file:" + file.toAbsolutePath(),
                e.violations())), events);
    }

    @Test
    void reloadOfAMissingFileKeepsTheOldPolicy() throws Exception {
        Path file = write(DENY_X);
        PolicyEvaluator evaluator = evaluatorOn(file);
        String version = evaluator.active().version();
        Files.delete(file);

        PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> evaluator.reload("alice-admin"));
        assertEquals("does not exist", e.violations().get(0).message());
        assertEquals(version, evaluator.active().version());
    }

    @Test
    void failingObserverLeavesTheOldPolicyInForce() throws Exception {
        Path file = write(DENY_X);
        PolicyEvaluator evaluator = new PolicyEvaluator(new PolicySource(file, 1 << 20), Policies.compiler(),
                new PolicyEvaluator.ReloadListener() {
                    @Override
                    public void reloaded(PolicyReloaded event) {
                        throw new IllegalStateException("audit trail unavailable");
                    }

                    @Override
                    public void rejected(PolicyReloadRejected event) {
                    }
                });
        String version = evaluator.active().version();
        write(APPROVE_X);
        assertThrows(IllegalStateException.class, () -> evaluator.reload("alice-admin"));
        assertEquals(version, evaluator.active().version());
    }

    @Test
    void sameLabelWithDifferentContentGetsADifferentVersion() throws Exception {
        Path file = write(DENY_X);
        PolicyEvaluator evaluator = evaluatorOn(file);
        String v1 = evaluator.active().version();
        write(DENY_X.replace("risk: high", "risk: critical"));
        String v2 = evaluator.reload("alice-admin").version();
        assertTrue(v1.startsWith("t1+sha256:") && v2.startsWith("t1+sha256:"), v1 + " " + v2);
        assertNotEquals(v1, v2);
    }

    @Test
    void concurrentEvaluationsAlwaysSeeOneWholePolicy() throws Exception {
        Path file = write(DENY_X);
        PolicyEvaluator evaluator = evaluatorOn(file);
        String denyVersion = evaluator.active().version();
        write(APPROVE_X);
        String approveVersion = evaluator.reload("alice-admin").version();
        Map<String, PolicyOutcome> expected = Map.of(denyVersion, PolicyOutcome.DENY, approveVersion, PolicyOutcome.AUTO_APPROVE);

        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<PolicyDecision>>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                readers.add(pool.submit(() -> {
                    List<PolicyDecision> seen = new ArrayList<>();
                    for (int i = 0; i < 2_000; i++) {
                        seen.add(evaluator.evaluate(input("x", "t", "dev", "{}")));
                    }
                    return seen;
                }));
            }
            for (int i = 0; i < 40; i++) {
                write(i % 2 == 0 ? DENY_X : APPROVE_X);
                evaluator.reload("alice-admin");
            }
            for (Future<List<PolicyDecision>> reader : readers) {
                for (PolicyDecision d : reader.get(60, TimeUnit.SECONDS)) {
                    assertEquals(expected.get(d.policyVersion()), d.outcome(), d::toString);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oversizedFileIsRefused() throws Exception {
        Path file = write(DENY_X);
        PolicyEvaluator evaluator = evaluatorOn(file);
        write(DENY_X + "#" + "x".repeat(1 << 20) + "\n");
        PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> evaluator.reload("alice-admin"));
        assertTrue(e.violations().get(0).message().contains("larger than"), e.getMessage());
    }

    @Test
    void invalidFileAtStartUpIsRefused() throws Exception {
        Path file = write("version: \"t1\"\nrules: []\n");
        PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> evaluatorOn(file));
        assertEquals("rules", e.violations().get(0).field());
    }

    @Test
    void bundledDefaultIsUsedWhenNoFileIsConfigured() {
        PolicyEvaluator evaluator = new PolicyEvaluator(new PolicySource(null, 1 << 20), Policies.compiler(),
                new PolicyEvaluator.ReloadListener() {
                    @Override
                    public void reloaded(PolicyReloaded event) {
                    }

                    @Override
                    public void rejected(PolicyReloadRejected event) {
                    }
                });
        PolicySummary s = evaluator.active();
        assertEquals("classpath:policy/default-policy.yaml", s.source());
        assertEquals(List.of("deny-drop-database", "production-schema-change", "large-payment", "hidden-characters",
                "unreadable-sql", "protected-branch-push", "non-production-auto-approve", "security-review"),
                s.rules().stream().map(PolicySummary.RuleSummary::name).toList());
        assertTrue(s.rules().get(7).defaultRule());
        assertSame(PolicyOutcome.REVIEW, s.rules().get(7).outcome());
    }
}
