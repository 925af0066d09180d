package io.countersign.testsupport;

import java.lang.annotation.Annotation;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * The unit loop ({@code .mvn/mvnw -Punit test}, README "Inner loop"): when the system property
 * {@value #PROPERTY} is true, every test class that starts Quarkus is left out of the run, and
 * with it every test that needs a started application, the browser or PostgreSQL. Classes are
 * judged by their annotations (directly, through a meta-annotation, on an enclosing class or on
 * a superclass), so a new test lands on the right side without anyone tagging it.
 *
 * <p>Registered through {@code META-INF/services}; without the property it includes everything,
 * so the full suite is unaffected.
 */
public final class UnitOnlyFilter implements PostDiscoveryFilter {

    public static final String PROPERTY = "countersign.test.unit-only";

    /**
     * By name: a Quarkus test class may be loaded by Quarkus's own class loader, where its
     * annotation types are not the ones this class sees.
     */
    private static final Set<String> STARTS_QUARKUS = Set.of("io.quarkus.test.junit.QuarkusTest",
            "io.quarkus.test.junit.QuarkusIntegrationTest", "io.quarkus.test.junit.main.QuarkusMainTest");

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (!Boolean.getBoolean(PROPERTY)) {
            return FilterResult.included("full suite");
        }
        Optional<Class<?>> testClass = descriptor.getSource().flatMap(UnitOnlyFilter::javaClass);
        if (testClass.isPresent() && startsQuarkus(testClass.get())) {
            return FilterResult.excluded("starts Quarkus; left out of the unit loop (" + PROPERTY + ")");
        }
        return FilterResult.included("plain unit test");
    }

    /** Whether running the class starts a Quarkus application. */
    public static boolean startsQuarkus(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            for (Class<?> s = c; s != null && s != Object.class; s = s.getSuperclass()) {
                if (annotatedWithOneOf(s.getDeclaredAnnotations(), new HashSet<>())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Directly or through meta-annotations (cycles such as {@code @Documented} are cut). */
    private static boolean annotatedWithOneOf(Annotation[] annotations, Set<String> seen) {
        for (Annotation a : annotations) {
            String name = a.annotationType().getName();
            if (STARTS_QUARKUS.contains(name)) {
                return true;
            }
            if (seen.add(name) && annotatedWithOneOf(a.annotationType().getDeclaredAnnotations(), seen)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Class<?>> javaClass(TestSource source) {
        if (source instanceof ClassSource c) {
            return Optional.of(c.getJavaClass());
        }
        if (source instanceof MethodSource m) {
            return Optional.of(m.getJavaClass());
        }
        return Optional.empty();
    }
}
