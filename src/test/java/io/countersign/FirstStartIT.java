package io.countersign;

import static org.assertj.core.api.Assertions.assertThat;

import io.countersign.faults.JwtForge;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged application (target/quarkus-app, the H2 default) as an operator meets it with
 * docs/operations.md: a first start with nothing configured refuses with one message naming every
 * setting to fix; with the identity provider's variables of the production checklist, two instances
 * run side by side on the ports the guide's "Ports and interfaces" sets, one of them on loopback only.
 * The variable names are read from the guide, so a wrong name there fails here. Runs in
 * {@code verify} (failsafe, after {@code package}).
 */
class FirstStartIT {

    private static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Path WORKDIR = Path.of("target/first-start-it");
    private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    /** The variables a first start must name: the identity provider for bearer tokens and for people. */
    private static final List<String> REQUIRED = List.of("COUNTERSIGN_JWT_ISSUER", "COUNTERSIGN_JWT_KEYS",
            "COUNTERSIGN_OIDC_ISSUER", "COUNTERSIGN_OIDC_CLIENT_SECRET");
    private static final Pattern ASSIGNMENT = Pattern.compile("\\b([A-Z][A-Z0-9_]+)=(\\S+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> processes = new ArrayList<>();
    private final String guide = read(Path.of("docs/operations.md"));
    private MockOAuth2Server provider;

    /** One running instance. */
    private record Instance(Process process, int port, int managementPort, Path log) {
    }

    @BeforeEach
    void freshWorkingDirectories() throws IOException {
        if (!Files.isRegularFile(APP)) {
            throw new AssertionError(APP + " is missing: it is built by `package`");
        }
        if (Files.exists(WORKDIR)) {
            try (Stream<Path> walk = Files.walk(WORKDIR)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(WORKDIR);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    @Test
    void aFirstStartWithNothingConfiguredRefusesWithOneMessageNamingEverySetting() throws Exception {
        Path dir = Files.createDirectories(WORKDIR.resolve("unconfigured"));
        Path log = WORKDIR.resolve("unconfigured.log");
        // The ports are the only setting: should the refusal ever regress, this instance must not
        // take 8080 or 9000 from whatever else runs on the machine.
        Process p = start(dir, log, Map.of("QUARKUS_HTTP_PORT", Integer.toString(freePort()),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(freePort())));
        assertThat(p.waitFor(REFUSAL_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("the start is refused within %s; log:\n%s", REFUSAL_TIMEOUT, read(log)).isTrue();
        String out = read(log).strip();
        assertThat(p.exitValue()).as(out).isNotZero();
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).as("one message, nothing before it").startsWith("Countersign cannot start until these settings are fixed: ")
                .contains(String.join(", ", REQUIRED)).contains("docs/operations.md#production-checklist");
        assertThat(lines).as("one line per setting and the hint for a trial, no stack trace").hasSize(REQUIRED.size() + 2);
        for (int i = 0; i < REQUIRED.size(); i++) {
            assertThat(lines.get(i + 1)).startsWith("  " + REQUIRED.get(i) + " is not set: ");
        }
        assertThat(guide).as("docs/operations.md shows this very message").contains(out);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("nothing created before the refusal: no database, no key").isEmpty();
        }
    }

    @Test
    void twoInstancesWithTheGuidesSettingsRunSideBySideOneOnLoopbackOnly() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        String issuer = provider.issuerUrl("company").toString();
        Map<String, String> identity = identityProviderAsTheChecklistSetsIt(issuer);
        JwtForge tokens = JwtForge.fromDirectory(Path.of("src/test/resources/keys"));

        Instance a = startInstance("a", identity, Map.of());
        Instance b = startInstance("b", identity, documented("Listening on one interface only"));
        awaitReady(a);
        awaitReady(b);

        String admin = tokens.valid("alice-admin", "admin");
        for (Instance i : List.of(a, b)) {
            HttpResponse<String> agents = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + i.port()
                    + "/api/v1/admin/agents")).header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(agents.statusCode()).as("a bearer token of the configured issuer: %s", agents.body()).isEqualTo(200);
        }
        HttpResponse<Void> signIn = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/auth/sign-in"))
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().firstValue("Location")).as("people are sent to the configured provider")
                .hasValueSatisfying(l -> assertThat(l).startsWith(issuer));

        // 127.0.0.2 is loopback too on Linux, but a socket bound to 127.0.0.1 does not accept it.
        Assumptions.assumeTrue(accepts("127.0.0.2", a.port()),
                "this machine does not route 127.0.0.2 to loopback, so binding to one interface cannot be told apart");
        assertThat(accepts("127.0.0.2", a.managementPort())).as("by default the management port listens on every interface").isTrue();
        assertThat(accepts("127.0.0.2", b.port())).as("QUARKUS_HTTP_HOST=127.0.0.1").isFalse();
        assertThat(accepts("127.0.0.2", b.managementPort())).as("QUARKUS_MANAGEMENT_HOST=127.0.0.1").isFalse();
    }

    // ------------------------------------------------------------------ what the guide says

    /** Item 1 of the production checklist, its example values replaced by this test's identity provider. */
    private Map<String, String> identityProviderAsTheChecklistSetsIt(String issuer) {
        String checklist = guide.substring(guide.indexOf("\n## Production checklist\n"));
        String item = checklist.substring(checklist.indexOf("1. **Identity provider**"), checklist.indexOf("\n2. **"));
        Map<String, String> fixtures = Map.of(
                "COUNTERSIGN_JWT_ISSUER", JwtForge.ISSUER,
                "COUNTERSIGN_JWT_KEYS", "file:" + Path.of("src/test/resources/keys/dev-issuer-jwks.json").toAbsolutePath(),
                "COUNTERSIGN_OIDC_ISSUER", issuer,
                "COUNTERSIGN_OIDC_CLIENT_SECRET", "client-secret-registered-at-the-provider");
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : assignments(codeBlock(item)).keySet()) {
            assertThat(fixtures).as("a value for %s, which the checklist sets", name).containsKey(name);
            env.put(name, fixtures.get(name));
        }
        assertThat(env.keySet()).containsExactlyInAnyOrderElementsOf(REQUIRED);
        return env;
    }

    /** The variables of the code block after a paragraph of "Ports and interfaces" (values as written). */
    private Map<String, String> documented(String paragraph) {
        String section = guide.substring(guide.indexOf("\n### Ports and interfaces\n"));
        return assignments(codeBlock(section.substring(section.indexOf(paragraph))));
    }

    private static String codeBlock(String text) {
        int start = text.indexOf("```");
        start = text.indexOf('\n', start) + 1;
        return text.substring(start, text.indexOf("```", start));
    }

    /** The {@code NAME=value} words of a shell block (with or without {@code export}). */
    private static Map<String, String> assignments(String block) {
        Map<String, String> found = new LinkedHashMap<>();
        Matcher m = ASSIGNMENT.matcher(block);
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        return found;
    }

    // ------------------------------------------------------------------ processes

    /** An instance on the ports the guide's two-instances example sets, with free ports as their values. */
    private Instance startInstance(String name, Map<String, String> identity, Map<String, String> more) throws IOException {
        Map<String, String> ports = documented("Two instances on one machine");
        assertThat(ports.keySet()).containsExactly("QUARKUS_HTTP_PORT", "QUARKUS_MANAGEMENT_PORT");
        int port = freePort();
        int management = freePort();
        Map<String, String> env = new LinkedHashMap<>(identity);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        env.putAll(more);
        Path dir = Files.createDirectories(WORKDIR.resolve(name));
        Path log = WORKDIR.resolve(name + ".log");
        return new Instance(start(dir, log, env), port, management, log);
    }

    /** The packaged application in {@code dir} with exactly {@code env} as its environment. */
    private Process start(Path dir, Path log, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m", "-jar", APP.toAbsolutePath().toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear(); // no COUNTERSIGN_* or QUARKUS_* of whoever runs the build
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void awaitReady(Instance i) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!ready(i)) {
            if (!i.process().isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("instance " + (i.process().isAlive() ? "not ready in " + START_TIMEOUT
                        : "exited with " + i.process().exitValue()) + "; log:\n" + read(i.log()));
            }
            Thread.sleep(200);
        }
    }

    private boolean ready(Instance i) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + i.managementPort() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }
}
