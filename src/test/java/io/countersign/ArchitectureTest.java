package io.countersign;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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

    @Test
    void entitiesAreNotUsedByResources() {
        noClasses().that().haveSimpleNameEndingWith("Resource")
                .should().dependOnClassesThat().areAnnotatedWith(jakarta.persistence.Entity.class)
                .allowEmptyShould(true).check(classes);
    }
}
