package io.countersign;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the layering of docs/architecture.md true as the code grows. */
class ArchitectureTest {

    static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.countersign");
    }

    @Test
    void camundaClientStaysInsideTheCamundaAdapter() {
        noClasses().that().resideOutsideOfPackage("io.countersign.engine.camunda..")
                .should().dependOnClassesThat().resideInAPackage("io.camunda.client..")
                .allowEmptyShould(true).check(classes);
    }

    @Test
    void bpmnModelStaysInsideTheEngine() {
        noClasses().that().resideOutsideOfPackage("io.countersign.engine..")
                .should().dependOnClassesThat().resideInAPackage("io.camunda.zeebe..")
                .allowEmptyShould(true).check(classes);
    }

    @Test
    void applicationTalksToEnginesOnlyThroughThePort() {
        noClasses().that().resideOutsideOfPackage("io.countersign.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("io.countersign.engine.embedded..",
                        "io.countersign.engine.camunda..")
                .allowEmptyShould(true).check(classes);
    }

    /**
     * The feature-to-feature edges of the code are exactly those of docs/architecture.md,
     * "Feature dependencies": a new edge is written down there first, a stale one removed.
     */
    @Test
    void featureEdgesAreExactlyThoseOfTheArchitectureDocument() throws Exception {
        assertEquals(documentedEdges(), codeEdges(), "feature -> features it uses: code (actual) against "
                + "docs/architecture.md, \"Feature dependencies\" (expected)");
    }

    /** The features a feature's classes use, by top-level package under io.countersign ("main" for the root). */
    static Map<String, Set<String>> codeEdges() {
        Map<String, Set<String>> edges = new TreeMap<>();
        for (JavaClass c : classes) {
            String from = feature(c);
            edges.computeIfAbsent(from, k -> new TreeSet<>());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass();
                if (target.getPackageName().startsWith("io.countersign")) {
                    String to = feature(target);
                    if (!to.equals(from)) {
                        edges.get(from).add(to);
                    }
                }
            }
        }
        return edges;
    }

    private static String feature(JavaClass c) {
        String pkg = c.getPackageName();
        if (pkg.equals("io.countersign")) {
            return "main";
        }
        String rest = pkg.substring("io.countersign.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    static Map<String, Set<String>> documentedEdges() throws Exception {
        String doc = Files.readString(Path.of("docs/architecture.md"), StandardCharsets.UTF_8);
        String section = doc.substring(doc.indexOf("## Feature dependencies"));
        String block = section.substring(section.indexOf("```") + 3);
        block = block.substring(block.indexOf('\n') + 1, block.indexOf("```"));
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : block.strip().split("\n")) {
            String[] parts = line.split("->", 2);
            Set<String> to = new TreeSet<>();
            Arrays.stream(parts[1].split(",")).map(String::strip).filter(t -> !t.isEmpty()).forEach(to::add);
            edges.put(parts[0].strip(), to);
        }
        return edges;
    }

    @Test
    void featuresHaveNoDependencyCycles() {
        slices().matching("io.countersign.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void devOnlyIdentitiesStayOutOfProductionCode() {
        noClasses().that().resideOutsideOfPackage("io.countersign.identity.dev..")
                .should().dependOnClassesThat().resideInAPackage("io.countersign.identity.dev..")
                .check(classes);
    }

    /** Resources and pages (Qute endpoints such as AuditPages) speak records, not entities. */
    @Test
    void entitiesAreNotUsedByResources() {
        noClasses().that().areAnnotatedWith(jakarta.ws.rs.Path.class)
                .or().haveSimpleNameEndingWith("Resource")
                .should().dependOnClassesThat().areAnnotatedWith(jakarta.persistence.Entity.class)
                .allowEmptyShould(true).check(classes);
    }
}
