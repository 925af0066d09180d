package io.countersign.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The in-suite fuzz smoke: a fixed-seed run of {@link Fuzzer} over every endpoint of
 * {@link FaultEndpoints}. Reproduce or vary it with {@code -Dfaults.fuzz.seed=<n>} and
 * {@code -Dfaults.fuzz.iterations=<n>}; the long run is {@code bench/fuzz.sh}.
 */
@QuarkusTest
class FuzzSmokeTest {

    static final long DEFAULT_SEED = 20261125L;

    @TestHTTPResource(value = "/openapi", management = true)
    URL openapi;

    @TestHTTPResource("/")
    URL base;

    @Test
    void malformedInputNeverCausesServerErrorsOrLeaksInternals() throws Exception {
        long seed = Long.getLong("faults.fuzz.seed", DEFAULT_SEED);
        int iterations = Integer.getInteger("faults.fuzz.iterations", 1200);
        System.out.println("FuzzSmokeTest: seed " + seed + ", " + iterations
                + " iterations (override with -Dfaults.fuzz.seed=... -Dfaults.fuzz.iterations=...)");
        JwtForge jwt = JwtForge.fromDirectory(Path.of("src/test/resources/keys"));
        RawHttp http = new RawHttp(base.toString(), 60_000);
        Fixtures fx = Fixtures.create(http, jwt, Long.toString(seed, 36) + "-" + System.nanoTime() % 100_000);

        Fuzzer.Report report = new Fuzzer(http, jwt, fx, seed, 300_000).run(iterations);
        System.out.println(report.summary());

        assertTrue(report.findings.isEmpty(), () -> report.findings.size() + " findings (seed " + seed + "):\n"
                + report.summary());
        // The run must get past authentication everywhere, or it fuzzed nothing but the token check.
        for (FaultEndpoints.Endpoint ep : FaultEndpoints.ALL) {
            var statuses = report.statuses.getOrDefault(ep.key(), java.util.Map.of());
            assertTrue(report.reached.contains(ep.key()),
                    () -> ep.key() + " was never reached past authentication (or sign-in): " + statuses);
        }
    }

    /** The inbox and auditor pages are not in the OpenAPI document: compare with their resource classes. */
    @Test
    void everyWebEndpointIsFuzzed() {
        Set<String> declared = new TreeSet<>();
        for (Class<?> resource : List.of(io.countersign.inbox.InboxResource.class, io.countersign.audit.web.AuditPages.class)) {
            String root = resource.getAnnotation(jakarta.ws.rs.Path.class).value();
            for (java.lang.reflect.Method m : resource.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(jakarta.ws.rs.GET.class) ? "GET"
                        : m.isAnnotationPresent(jakarta.ws.rs.POST.class) ? "POST" : null;
                if (verb != null) {
                    jakarta.ws.rs.Path sub = m.getAnnotation(jakarta.ws.rs.Path.class);
                    String path = sub == null ? root : root + "/" + sub.value().replaceFirst("^/", "");
                    declared.add(verb + " " + path.replaceAll("\\{[A-Za-z]+}", "{}"));
                }
            }
        }
        declared.remove("GET /inbox/events"); // an endless SSE stream; see FaultEndpoints
        // (/auth/sign-in, the OIDC landing, is not here: the fuzzer's profile signs in with tokens; OidcSignInTest)
        Set<String> fuzzed = FaultEndpoints.ALL.stream().filter(FaultEndpoints.Endpoint::web)
                .map(FaultEndpoints.Endpoint::key).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declared, fuzzed, "keep the web endpoints in io.countersign.faults.FaultEndpoints in step");
    }

    @Test
    void everyApiEndpointIsFuzzed() throws Exception {
        JsonNode api = new ObjectMapper().readTree(new URL(openapi + "?format=json"));
        Set<String> documented = new TreeSet<>();
        api.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(m) && !p.getKey().startsWith("/dev/")) {
                documented.add(m.toUpperCase() + " " + p.getKey().replaceAll("\\{[A-Za-z]+}", "{}"));
            }
        }));
        Set<String> fuzzed = FaultEndpoints.ALL.stream().map(FaultEndpoints.Endpoint::key).collect(Collectors.toSet());
        List<String> missing = documented.stream().filter(k -> !fuzzed.contains(k)).toList();
        assertEquals(List.of(), missing, "add these endpoints to io.countersign.faults.FaultEndpoints");
    }
}
