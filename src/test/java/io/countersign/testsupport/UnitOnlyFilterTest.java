package io.countersign.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestDescriptor.Type;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;

class UnitOnlyFilterTest {

    // Test classes of other packages are package-private: named, not imported.
    private static final Class<?> QUARKUS_TEST = load("io.countersign.engine.outbox.OutboxWithEmbeddedEngineTest");
    private static final Class<?> PLAIN_TEST = load("io.countersign.common.json.JcsTest");

    private final UnitOnlyFilter filter = new UnitOnlyFilter();

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, UnitOnlyFilterTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The unit loop itself runs with the property set: each test starts from none and puts it back. */
    private String before;

    @BeforeEach
    void clearProperty() {
        before = System.clearProperty(UnitOnlyFilter.PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (before == null) {
            System.clearProperty(UnitOnlyFilter.PROPERTY);
        } else {
            System.setProperty(UnitOnlyFilter.PROPERTY, before);
        }
    }

    @Test
    void quarkusTestsAreRecognisedDirectlyAndFromTheirNestedClasses() {
        assertThat(UnitOnlyFilter.startsQuarkus(QUARKUS_TEST)).isTrue();
        assertThat(UnitOnlyFilter.startsQuarkus(load("io.countersign.release.ReleaseKeyRotationTest$Rotated")))
                .isTrue();
        assertThat(UnitOnlyFilter.startsQuarkus(PLAIN_TEST)).isFalse();
        // A Quarkus test whose tests come from a plain abstract suite, and the suite itself.
        assertThat(UnitOnlyFilter.startsQuarkus(load("io.countersign.engine.embedded.EmbeddedWorkflowEngineConformanceTest")))
                .isTrue();
        assertThat(UnitOnlyFilter.startsQuarkus(load("io.countersign.engine.WorkflowEngineConformanceTest"))).isFalse();
    }

    @Test
    void withTheUnitLoopPropertyQuarkusClassesAndTheirMethodsAreExcluded() {
        System.setProperty(UnitOnlyFilter.PROPERTY, "true");
        assertThat(filter.apply(classDescriptor(QUARKUS_TEST)).excluded()).isTrue();
        assertThat(filter.apply(methodDescriptor(QUARKUS_TEST, "retryingAnEntryThatIsNotParkedIsAConflict"))
                .excluded()).isTrue();
        assertThat(filter.apply(classDescriptor(PLAIN_TEST)).included()).isTrue();
    }

    @Test
    void withoutThePropertyEverythingRuns() {
        assertThat(filter.apply(classDescriptor(QUARKUS_TEST)).included()).isTrue();
        System.setProperty(UnitOnlyFilter.PROPERTY, "false");
        assertThat(filter.apply(classDescriptor(QUARKUS_TEST)).included()).isTrue();
    }

    private static TestDescriptor classDescriptor(Class<?> c) {
        return descriptor(ClassSource.from(c), Type.CONTAINER);
    }

    private static TestDescriptor methodDescriptor(Class<?> c, String method) {
        return descriptor(MethodSource.from(c.getName(), method), Type.TEST);
    }

    private static TestDescriptor descriptor(TestSource source, Type type) {
        return new AbstractTestDescriptor(UniqueId.forEngine("test").append("item", source.toString()), "item", source) {
            @Override
            public Type getType() {
                return type;
            }
        };
    }
}
