package io.countersign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md documents exactly the operations of the application's OpenAPI document, in both
 * directions, so an endpoint added without documentation (or documentation left behind by a
 * removed endpoint) fails here naming it.
 *
 * <p>How docs/api.md marks an endpoint: a heading ({@code ###}) or a table row whose text
 * <em>starts</em> with a code span {@code `METHOD /path`}, for example
 * {@code ### `POST /api/v1/actions/{id}/cancel` — cancel} or
 * {@code | `GET /api/v1/admin/outbox?status&limit` | … |}. The path ends at the first {@code ?},
 * {@code [} or space (query hints may follow), and path parameters compare by position, not by
 * name ({@code {id}} matches {@code {requestId}}). A mention anywhere else (prose, examples) does
 * not count.
 *
 * <p>In scope: every operation of {@code /q/openapi}, which describes the JSON API (bearer
 * tokens, JSON in and out) plus the public JWKS and Slack's signed interactivity callback. Out of
 * scope: the server-rendered pages ({@code /inbox…}, {@code /audit…} without {@code /api/v1},
 * {@code /auth…}), which the OpenAPI document excludes on purpose
 * ({@code mp.openapi.scan.exclude.packages}) and which docs/inbox.md and docs/audit.md describe;
 * marking one in docs/api.md fails this test like any other undocumented path. Also out of scope:
 * {@code /dev/*}, the token helper that exists only in dev and test builds (docs/operations.md),
 * and the management endpoints under {@code /q} on the management port (docs/operations.md).
 */
@QuarkusTest
class ApiReferenceTest {

    /** A heading or table row starting with `METHOD /path`. */
    static final Pattern MARK = Pattern.compile("^(?:#{2,6}\\s+|\\|\\s*)`(GET|POST|PUT|PATCH|DELETE) (/[^`\\s?\\[]*)");

    @TestHTTPResource(value = "/openapi", management = true)
    URL openapi;

    /** The endpoints docs/api.md marks, as {@code METHOD /path/{}}. */
    static Set<String> documented(List<String> lines) {
        Set<String> marked = new TreeSet<>();
        for (String line : lines) {
            Matcher m = MARK.matcher(line);
            if (m.find()) {
                marked.add(key(m.group(1), m.group(2)));
            }
        }
        return marked;
    }

    static String key(String method, String path) {
        return method.toUpperCase(Locale.ROOT) + " " + path.replaceAll("\\{[^}]*}", "{}");
    }

    /** The operations of the OpenAPI document, as {@code METHOD /path/{}}, without {@code /dev/*}. */
    static Set<String> served(JsonNode api) {
        Set<String> ops = new TreeSet<>();
        api.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (Set.of("get", "post", "put", "patch", "delete").contains(m) && !p.getKey().startsWith("/dev/")) {
                ops.add(key(m, p.getKey()));
            }
        }));
        return ops;
    }

    @Test
    void apiMdDocumentsExactlyTheEndpointsOfTheOpenApiDocument() throws Exception {
        Set<String> docs = documented(Files.readAllLines(Path.of("docs/api.md")));
        Set<String> api = served(new ObjectMapper().readTree(new URL(openapi + "?format=json")));
        List<String> problems = new ArrayList<>();
        api.stream().filter(k -> !docs.contains(k)).forEach(k -> problems.add("not documented in docs/api.md: " + k));
        docs.stream().filter(k -> !api.contains(k)).forEach(k -> problems.add("documented in docs/api.md but not an "
                + "operation of /q/openapi: " + k));
        assertEquals(List.of(), problems, "docs/api.md marks " + docs.size() + " endpoints, /q/openapi has " + api.size());
    }

    @Test
    void theMarkingRuleReadsHeadingsAndTableRowsOnly() {
        Set<String> found = documented(List.of(
                "### `GET /api/v1/actions/{id}[?wait=<duration>]` — read, long-poll",
                "| `POST /api/v1/admin/outbox/{id}/retry` | retry one entry |",
                "| `GET /api/v1/audit/proofs/inclusion?seq&treeSize` | proof |",
                "Prose naming `GET /api/v1/not-an-endpoint` does not count.",
                "| field | rule |",
                "curl -s -X POST localhost:8080/api/v1/actions"));
        assertEquals(Set.of("GET /api/v1/actions/{}", "POST /api/v1/admin/outbox/{}/retry",
                "GET /api/v1/audit/proofs/inclusion"), found);
        assertTrue(documented(List.of("### Agent registry `/api/v1/admin/agents`")).isEmpty(),
                "a heading without a method is a section, not an endpoint");
    }
}
