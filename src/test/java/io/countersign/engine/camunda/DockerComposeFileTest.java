package io.countersign.engine.camunda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is validated instead: it parses,
 * its services start in order behind health checks, and the names, ports and environment
 * variables Countersign gets agree with application.properties and the other services.
 */
class DockerComposeFileTest {

    private static JsonNode compose;
    private static Properties application;
    private static String applicationText;

    @BeforeAll
    static void load() throws IOException {
        compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docker-compose.yml").toFile());
        applicationText = Files.readString(Path.of("src/main/resources/application.properties"),
                StandardCharsets.UTF_8);
        application = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            application.load(reader);
        }
    }

    private static JsonNode service(String name) {
        JsonNode service = compose.path("services").path(name);
        assertThat(service.isMissingNode()).as("service " + name).isFalse();
        return service;
    }

    private static String env(String service, String name) {
        JsonNode value = service(service).path("environment").path(name);
        assertThat(value.isMissingNode()).as(service + " sets " + name).isFalse();
        return resolveDefault(value.asText());
    }

    /** "${VAR:-default}" as compose resolves it when VAR is unset. */
    private static String resolveDefault(String value) {
        Matcher m = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}").matcher(value);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
    }

    private static List<String> ports(String service) {
        List<String> ports = new ArrayList<>();
        service(service).path("ports").forEach(p -> ports.add(p.asText()));
        return ports;
    }

    /** Container port published by a "host:container" or "ip:host:container" mapping. */
    private static List<Integer> containerPorts(String service) {
        return ports(service).stream().map(p -> Integer.parseInt(p.substring(p.lastIndexOf(':') + 1))).toList();
    }

    @Test
    void hasTheThreeServicesOnOneNetwork() {
        assertThat(compose.path("services").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("postgres", "orchestration", "countersign");
        for (String name : List.of("postgres", "orchestration", "countersign")) {
            assertThat(service(name).path("networks").toString()).contains("countersign");
        }
    }

    @Test
    void everyServiceHasAHealthCheckAndStartsAfterItsDependenciesAreHealthy() {
        for (String name : List.of("postgres", "orchestration", "countersign")) {
            assertThat(service(name).path("healthcheck").path("test").isMissingNode()).as(name).isFalse();
        }
        assertThat(service("orchestration").path("depends_on").path("postgres").path("condition").asText())
                .isEqualTo("service_healthy");
        for (String dependency : List.of("postgres", "orchestration")) {
            assertThat(service("countersign").path("depends_on").path(dependency).path("condition").asText())
                    .as("countersign waits for " + dependency).isEqualTo("service_healthy");
        }
    }

    @Test
    void countersignRunsThePostgresProfileAgainstTheComposeDatabase() {
        assertThat(env("countersign", "QUARKUS_PROFILE")).isEqualTo("postgres");
        assertThat(application.getProperty("%postgres.quarkus.datasource.db-kind")).isEqualTo("postgresql");

        URI db = URI.create(env("countersign", "COUNTERSIGN_DB_URL").substring("jdbc:".length()));
        assertThat(db.getHost()).isEqualTo("postgres");
        assertThat(containerPorts("postgres")).contains(db.getPort());
        assertThat(db.getPath()).isEqualTo("/" + env("postgres", "POSTGRES_DB"));
        assertThat(env("countersign", "COUNTERSIGN_DB_USER")).isEqualTo(env("postgres", "POSTGRES_USER"));
        assertThat(env("countersign", "COUNTERSIGN_DB_PASSWORD")).isEqualTo(env("postgres", "POSTGRES_PASSWORD"));
    }

    @Test
    void countersignReachesTheOrchestrationClusterOnItsContainerPorts() {
        URI grpc = URI.create(env("countersign", "COUNTERSIGN_CAMUNDA_GRPC_ADDRESS"));
        URI rest = URI.create(env("countersign", "COUNTERSIGN_CAMUNDA_REST_ADDRESS"));

        assertThat(grpc.getHost()).isEqualTo("orchestration");
        assertThat(rest.getHost()).isEqualTo("orchestration");
        assertThat(containerPorts("orchestration")).contains(grpc.getPort(), rest.getPort());
        assertThat(CamundaConfig.AuthMode.valueOf(env("countersign", "COUNTERSIGN_CAMUNDA_AUTH_MODE")
                .toUpperCase())).isEqualTo(CamundaConfig.AuthMode.NONE);
        assertThat(service("orchestration").path("image").asText()).startsWith("camunda/camunda:");
        assertThat(resolveDefault(service("orchestration").path("image").asText())).matches("camunda/camunda:8\\.(8|9)\\..*");
    }

    @Test
    void everyCountersignVariableIsReadByTheApplication() {
        Iterator<String> names = service("countersign").path("environment").fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (name.startsWith("COUNTERSIGN_")) {
                assertThat(applicationText).as(name + " is referenced in application.properties")
                        .contains("${" + name + ":");
            }
        }
    }

    @Test
    void publishedPortsAndHealthCheckMatchTheApplicationsPorts() {
        String http = application.getProperty("quarkus.http.port");
        String management = application.getProperty("quarkus.management.port");

        assertThat(containerPorts("countersign")).containsExactlyInAnyOrder(Integer.parseInt(http),
                Integer.parseInt(management));
        assertThat(service("countersign").path("healthcheck").path("test").toString())
                .contains("localhost:" + management + "/q/health/ready");
        assertThat(ports("countersign")).contains("127.0.0.1:" + management + ":" + management);
    }

    @Test
    void theImageIsBuiltWithTheStandardQuarkusJvmDockerfile() throws IOException {
        String dockerfilePath = service("countersign").path("build").path("dockerfile").asText();
        assertThat(dockerfilePath).isEqualTo("src/main/docker/Dockerfile.jvm");
        String dockerfile = Files.readString(Path.of(dockerfilePath));
        assertThat(dockerfile).contains("target/quarkus-app/lib/", "quarkus-run.jar", "EXPOSE 8080 9000",
                "-Dcountersign.engine=camunda", "-Dquarkus.profile=postgres");
    }

    @Test
    void orchestrationKeepsItsSecondaryStorageInTheComposePostgres() {
        String config = compose.path("configs").path("orchestration-config").path("content").asText();
        JsonNode orchestration;
        try {
            orchestration = new ObjectMapper(new YAMLFactory()).readTree(config);
        } catch (IOException e) {
            throw new AssertionError("orchestration config is not YAML", e);
        }
        JsonNode rdbms = orchestration.path("camunda").path("data").path("secondary-storage").path("rdbms");
        assertThat(rdbms.path("url").asText()).isEqualTo("jdbc:postgresql://postgres:5432/camunda");
        assertThat(compose.path("configs").path("camunda-database").path("content").asText())
                .contains("CREATE DATABASE camunda");
    }
}
