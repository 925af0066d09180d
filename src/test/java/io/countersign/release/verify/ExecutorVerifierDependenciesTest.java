package io.countersign.release.verify;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * docs/executors.md promises executors a verifier they can copy that needs only the JDK and
 * Jackson (the server signs with Nimbus; the executors' side stays free of it): keep it so.
 */
class ExecutorVerifierDependenciesTest {

    /** The two canonical-JSON classes executors copy along with the package. */
    private static final DescribedPredicate<JavaClass> CANONICAL_JSON = describe("Jcs or JsonSupport",
            c -> c.getName().matches("io\\.countersign\\.common\\.json\\.(Jcs|JsonSupport)(\\$.*)?"));

    @Test
    void theCopyableVerifierDependsOnlyOnTheJdkJacksonAndCanonicalJson() {
        JavaClasses imported = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.countersign.release.verify", "io.countersign.common.json");
        classes().that(resideInAPackage("io.countersign.release.verify..").or(CANONICAL_JSON))
                .should().onlyDependOnClassesThat(resideInAnyPackage("java..", "com.fasterxml.jackson..",
                        "io.countersign.release.verify..").or(CANONICAL_JSON))
                .check(imported);
    }
}
