package io.countersign.engine.camunda;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/**
 * Licence guard: no artifact under Camunda's own (non open-source) licence may be on the
 * classpath. Looks for each forbidden artifact's Maven descriptor and for a class it is known to
 * contain, so a renamed or shaded jar is caught as well. Only {@code engine.camunda} may use the
 * Camunda client.
 */
class CamundaLicenceGuardTest {

    /** Forbidden artifact id to a class that only that artifact ships. */
    static final Map<String, String> FORBIDDEN = Map.of(
            "camunda-zeebe", "io.camunda.zeebe.broker.Broker",
            "zeebe-workflow-engine", "io.camunda.zeebe.engine.Engine",
            "zeebe-protocol", "io.camunda.zeebe.protocol.record.Record",
            "zeebe-protocol-jackson", "io.camunda.zeebe.protocol.jackson.ZeebeProtocolModule",
            "camunda-security-protocol", "io.camunda.security.auth.Authorization",
            "zeebe-process-test-engine", "io.camunda.zeebe.process.test.engine.EngineFactory",
            "zeebe-process-test-extension", "io.camunda.zeebe.process.test.extension.ZeebeProcessTest",
            "camunda-process-test-java", "io.camunda.process.test.api.CamundaProcessTest",
            "camunda-process-test-spring", "io.camunda.process.test.api.CamundaSpringProcessTest");

    private static final List<String> GROUPS = List.of("io.camunda", "io.zeebe", "io.camunda.zeebe",
            "io.quarkiverse.zeebe", "io.quarkiverse.camunda");

    @Test
    void noCamundaLicensedArtifactIsOnTheClasspath() throws IOException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> forbidden : FORBIDDEN.entrySet()) {
            for (String group : GROUPS) {
                String descriptor = "META-INF/maven/" + group + "/" + forbidden.getKey() + "/pom.properties";
                for (URL url : Collections.list(loader.getResources(descriptor))) {
                    found.add(forbidden.getKey() + " (" + url + ")");
                }
            }
            if (loader.getResource(forbidden.getValue().replace('.', '/') + ".class") != null) {
                found.add(forbidden.getKey() + " (class " + forbidden.getValue() + ")");
            }
        }
        // Quarkiverse Camunda/Zeebe extensions pull Camunda-licensed jars.
        for (String group : List.of("io.quarkiverse.zeebe", "io.quarkiverse.camunda")) {
            if (loader.getResource("META-INF/maven/" + group) != null) {
                found.add(group);
            }
        }
        found.addAll(forbiddenJarsOnClassPath());

        assertThat(found).as("Camunda-licensed artifacts on the classpath").isEmpty();
    }

    @Test
    void theGuardSeesTheAllowedCamundaArtifacts() throws IOException {
        // Proves the descriptor lookup works on this classpath: otherwise the guard could never fail.
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String allowed : List.of("camunda-client-java", "zeebe-gateway-protocol-impl", "zeebe-bpmn-model")) {
            assertThat(loader.getResources("META-INF/maven/io.camunda/" + allowed + "/pom.properties")
                    .hasMoreElements()).as(allowed).isTrue();
        }
        assertThat(loader.getResource("io/camunda/zeebe/gateway/protocol/GatewayGrpc.class")).isNotNull();
    }

    @Test
    void onlyTheCamundaAdapterUsesTheCamundaClient() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.countersign");
        noClasses().that().resideOutsideOfPackage("io.countersign.engine.camunda..")
                .should().dependOnClassesThat().resideInAnyPackage("io.camunda.client..", "io.camunda.zeebe.gateway..",
                        "io.grpc..")
                .because("only the Camunda adapter may talk to a Camunda cluster")
                .check(classes);
    }

    /** Jar names on java.class.path, following a manifest-only surefire booter jar if present. */
    private static List<String> forbiddenJarsOnClassPath() throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            entries.add(entry);
            if (entry.endsWith(".jar") && new File(entry).getName().startsWith("surefirebooter")) {
                try (JarFile jar = new JarFile(entry)) {
                    Manifest manifest = jar.getManifest();
                    String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
                    if (classPath != null) {
                        entries.addAll(List.of(classPath.split(" ")));
                    }
                }
            }
        }
        List<String> found = new ArrayList<>();
        for (String entry : entries) {
            String name = entry.substring(entry.lastIndexOf('/') + 1);
            for (String artifact : FORBIDDEN.keySet()) {
                if (name.matches(java.util.regex.Pattern.quote(artifact) + "-\\d.*\\.jar")) {
                    found.add(artifact + " (" + entry + ")");
                }
            }
        }
        return found;
    }
}
