package io.countersign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.faults.FaultEndpoints;
import io.countersign.faults.RawHttp;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The request-body rule of docs/api.md ("Request bodies and Content-Type"), checked for every
 * POST and PUT operation of the OpenAPI document, each called with a valid caller of its role
 * (from {@link FaultEndpoints}):
 *
 * <ul>
 * <li>a <b>required</b> body ({@code requestBody.required}): without {@code Content-Type} (with or
 * without a body) and with another type it is 415 problem+json naming the endpoint's media type;
 * with that type but no body it is anything but 415;
 * <li>an <b>optional</b> body (cancel): no body needs no {@code Content-Type}; a body without
 * {@code Content-Type} or with another type is 415 naming {@code application/json};
 * <li><b>no</b> body: no {@code Content-Type} is needed; a body sent anyway must still be
 * declared {@code application/json} (415 otherwise), like every body of the JSON API.
 * </ul>
 */
@QuarkusTest
class ContentTypeRuleTest {

    @TestHTTPResource(value = "/openapi", management = true)
    URL openapi;

    @TestHTTPResource("/")
    URL base;

    @Inject
    TestAgents agents;

    enum Body { REQUIRED, OPTIONAL, NONE }

    record Operation(String method, String path, String key, Body body, String mediaType, List<String[]> auth) {
    }

    @Test
    void everyPostAndPutFollowsTheContentTypeRule() throws Exception {
        List<Operation> ops = operations();
        RawHttp http = new RawHttp(base.toString(), 30_000);
        List<String> failures = new ArrayList<>();
        for (Operation op : ops) {
            switch (op.body()) {
                case REQUIRED -> {
                    expect415(http, op, null, null, op.mediaType(), failures);
                    expect415(http, op, null, "{}", op.mediaType(), failures);
                    expect415(http, op, "text/plain", "x", op.mediaType(), failures);
                    expectNot415(http, op, op.mediaType(), null, failures);
                }
                case OPTIONAL -> {
                    expectNot415(http, op, null, null, failures);
                    expect415(http, op, null, "{}", "application/json", failures);
                    expect415(http, op, "text/plain", "{}", "application/json", failures);
                }
                case NONE -> {
                    expectNot415(http, op, null, null, failures);
                    expect415(http, op, null, "{}", "application/json", failures);
                    expect415(http, op, "text/plain", "{}", "application/json", failures);
                }
            }
        }
        assertEquals(List.of(), failures, ops.size() + " POST/PUT operations checked");
    }

    @Test
    void theOpenApiDocumentSaysWhichBodiesAreOptional() throws Exception {
        Map<String, Body> kinds = new TreeMap<>();
        operations().forEach(op -> kinds.put(op.key(), op.body()));
        // the documented exceptions to "a POST takes a JSON body" (docs/api.md)
        assertEquals(Body.OPTIONAL, kinds.get("POST /api/v1/actions/{}/cancel"), kinds.toString());
        assertEquals(Body.REQUIRED, kinds.get("POST /api/v1/actions/{}/outcome"), kinds.toString());
        for (String none : List.of("POST /api/v1/admin/policy/reload", "POST /api/v1/admin/outbox/retry-parked",
                "POST /api/v1/admin/outbox/{}/retry", "POST /api/v1/admin/notifications/retry-parked",
                "POST /api/v1/admin/notifications/{}/retry")) {
            assertEquals(Body.NONE, kinds.get(none), none + " in " + kinds);
        }
    }

    private List<Operation> operations() throws Exception {
        JsonNode api = new ObjectMapper().readTree(new URL(openapi + "?format=json"));
        String agent = agents.register();
        List<Operation> ops = new ArrayList<>();
        api.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            String method = m.getKey().toUpperCase();
            if (!Set.of("POST", "PUT").contains(method) || p.getKey().startsWith("/dev/")) {
                return;
            }
            JsonNode op = m.getValue();
            JsonNode rb = op.get("requestBody");
            Body body = rb == null ? Body.NONE : rb.path("required").asBoolean(false) ? Body.REQUIRED : Body.OPTIONAL;
            String mediaType = rb == null ? null : rb.path("content").fieldNames().next();
            String key = method + " " + p.getKey().replaceAll("\\{[A-Za-z]+}", "{}");
            FaultEndpoints.Role role = FaultEndpoints.ALL.stream().filter(e -> e.key().equals(key)).findFirst()
                    .orElseThrow(() -> new AssertionError(key + " is not in FaultEndpoints")).role();
            List<String[]> auth = role == FaultEndpoints.Role.PUBLIC ? List.of()
                    : List.<String[]>of(new String[] { "Authorization", "Bearer "
                            + Tokens.token(role == FaultEndpoints.Role.AGENT ? agent : "ct-" + role.name().toLowerCase(),
                                    role.groups()) });
            ops.add(new Operation(method, fill(p.getKey(), op), key, body, mediaType, auth));
        }));
        return ops;
    }

    /** Path parameters filled with values that name nothing: 404s are fine, the content type is checked first. */
    private static String fill(String path, JsonNode op) {
        Matcher m = Pattern.compile("\\{([A-Za-z]+)}").matcher(path);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String type = "string";
            for (JsonNode param : op.path("parameters")) {
                if (param.path("name").asText().equals(m.group(1))) {
                    type = param.path("schema").path("type").asText("string");
                }
            }
            m.appendReplacement(sb, type.equals("integer") ? "987654321" : UUID.randomUUID().toString());
        }
        return m.appendTail(sb).toString();
    }

    private static RawHttp.Response send(RawHttp http, Operation op, String contentType, String body) {
        List<String[]> headers = new ArrayList<>(op.auth());
        headers.add(new String[] { "Idempotency-Key", UUID.randomUUID().toString() });
        if (contentType != null) {
            headers.add(new String[] { "Content-Type", contentType });
        }
        return http.send(op.method(), op.path(), headers, body);
    }

    private static void expect415(RawHttp http, Operation op, String contentType, String body, String named,
            List<String> failures) {
        RawHttp.Response r = send(http, op, contentType, body);
        String what = op.key() + " (" + op.body() + " body) with Content-Type " + contentType + " and "
                + (body == null ? "no body" : "a body");
        if (r.status() != 415) {
            failures.add(what + ": expected 415, got " + r.status() + " " + r.text());
        } else if (!String.valueOf(r.header("Content-Type")).startsWith("application/problem+json")
                || !r.text().contains("unsupported-media-type") || !r.text().contains(named)) {
            failures.add(what + ": the 415 must be problem+json naming " + named + ": " + r.text());
        }
    }

    private static void expectNot415(RawHttp http, Operation op, String contentType, String body, List<String> failures) {
        RawHttp.Response r = send(http, op, contentType, body);
        if (r.status() == 415 || r.status() >= 500 || r.status() < 200) {
            failures.add(op.key() + " (" + op.body() + " body) with Content-Type " + contentType + " and "
                    + (body == null ? "no body" : "a body") + ": expected it to be accepted past the content type, got "
                    + r.status() + " " + r.text());
        }
    }
}
