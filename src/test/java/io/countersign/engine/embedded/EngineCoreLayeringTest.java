package io.countersign.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the embedded engine's layers apart: element behaviours and the step driver reach state
 * only through {@link EngineStore}; SQL lives in the {@code Jdbc*} classes.
 */
class EngineCoreLayeringTest {

    /** Classes that run or receive transactions, besides the JDBC implementation itself. */
    private static final Set<String> TRANSACTION_OWNERS = Set.of("Db", "TxRunner", "JdbcTxRunner", "JtaTxRunner",
            "EngineCore", "EmbeddedWorkflowEngine", "JobRuntime", "TimerScheduler");

    private static final Set<String> SQL_METHODS = Set.of("update", "batch", "list", "one", "count");

    static JavaClasses classes;

    @BeforeAll
    static void importEngineClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.countersign.engine.embedded");
    }

    private static String topLevelName(JavaClass c) {
        String local = c.getName().substring(c.getName().lastIndexOf('.') + 1);
        int nested = local.indexOf('$');
        return nested < 0 ? local : local.substring(0, nested);
    }

    @Test
    void behavioursAndTheStepDriverNeverTouchJdbc() {
        Set<String> offenders = new TreeSet<>();
        for (JavaClass c : classes) {
            String owner = topLevelName(c);
            if (owner.startsWith("Jdbc") || TRANSACTION_OWNERS.contains(owner)) {
                continue;
            }
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass();
                if (target.getPackageName().startsWith("java.sql") || target.getPackageName().startsWith("javax.sql")
                        || target.getName().startsWith(Db.class.getName())) {
                    offenders.add(owner + " -> " + target.getName());
                }
            }
        }
        assertThat(offenders).as("classes of the engine core that depend on JDBC").isEmpty();
    }

    @Test
    void onlyTheJdbcStoreSendsSql() {
        Set<String> offenders = new TreeSet<>();
        for (JavaClass c : classes) {
            String owner = topLevelName(c);
            if (owner.startsWith("Jdbc") || owner.equals("Db")) {
                continue;
            }
            for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
                if (call.getTargetOwner().isEquivalentTo(Db.class) && SQL_METHODS.contains(call.getName())) {
                    offenders.add(owner + " calls Db." + call.getName() + " at " + call.getSourceCodeLocation());
                }
            }
        }
        assertThat(offenders).as("SQL sent outside the Jdbc* classes").isEmpty();
    }

    @Test
    void engineClassesStayUnder600Lines() throws IOException {
        List<String> large = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/countersign/engine"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                long lines = Files.readAllLines(p).size();
                if (lines > 600) {
                    large.add(p + ": " + lines);
                }
            }
        }
        assertThat(large).as("engine classes over 600 lines").isEmpty();
    }
}
