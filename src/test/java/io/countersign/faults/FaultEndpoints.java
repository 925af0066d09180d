package io.countersign.faults;

import java.util.List;

/**
 * Every HTTP endpoint the fault tests drive, with the role a valid caller holds, the query
 * parameters it reads and a valid body template. A new endpoint (reviewer inbox, engine
 * adapters) is one more line here: {@code FuzzSmokeTest#everyApiEndpointIsFuzzed} compares
 * this list with the OpenAPI document and fails naming any endpoint that is missing.
 *
 * <p>Path placeholders are filled from {@link Fixtures}: {@code {id}} a decided request of the
 * fuzz agent, {@code {pendingId}} a pending one, {@code {agentId}} a registered agent,
 * {@code {jti}} an issued release, {@code {treeSize}} a checkpoint size, {@code {instanceKey}} an
 * engine process instance key. {@code "{token}"} in a body is the matching release token.
 *
 * <p>{@code web} endpoints are the reviewer inbox and auditor pages: the caller is a session
 * cookie (the JWT) plus the CSRF double-submit cookie, and a POST body is an HTML form whose
 * placeholders are {@code {csrf}} (the form's CSRF field; the fuzzer sends it matching, wrong or
 * not at all), {@code {taskKey}} and {@code {digest}} (the review step of a pending request) and
 * {@code {session}} (a token to sign in with). {@code FuzzSmokeTest#everyWebEndpointIsFuzzed}
 * compares them with the resource classes. Not fuzzed: {@code GET /inbox/events}, an endless
 * SSE stream (its sign-in check is tested in InboxLiveUpdatesTest).
 */
public final class FaultEndpoints {

    /** Who a valid caller of the endpoint is. */
    public enum Role {
        PUBLIC, AGENT, ADMIN, AUDITOR, EXECUTOR, REVIEWER;

        /** The groups claim of a valid token for this role. */
        public String[] groups() {
            return switch (this) {
                case PUBLIC -> new String[0];
                case REVIEWER -> new String[] { "reviewer", "dba", "finance", "security", "maintainers" };
                default -> new String[] { name().toLowerCase(java.util.Locale.ROOT) };
            };
        }
    }

    /**
     * One endpoint. {@code weight} is its share of the fuzz iterations (expensive full-trail
     * operations get less); {@code body} is null for endpoints without a request body.
     */
    public record Endpoint(String method, String path, Role role, List<String> query, String body, int weight, boolean web) {

        /** An API endpoint (bearer token, JSON). */
        public Endpoint(String method, String path, Role role, List<String> query, String body, int weight) {
            this(method, path, role, query, body, weight, false);
        }

        /** The OpenAPI-style key, e.g. {@code POST /api/v1/actions/{id}/cancel}. */
        public String key() {
            return method + " " + path.replaceAll("\\{[A-Za-z]+}", "{}");
        }
    }

    static final String PAYMENT = """
            {"type":"payment.transfer","target":"acct:treasury/fuzz","environment":"production",
             "summary":"Pay invoice","justification":"Due today",
             "payload":{"amount":"12500.00","currency":"EUR",
                        "beneficiary":{"name":"ACME GmbH","iban":"DE89370400440532013000","bic":"COBADEFFXXX"},
                        "reference":"INV-1"}}""";
    static final String SCHEMA = """
            {"type":"db.schema.change","target":"db://prod/orders","environment":"staging",
             "summary":"Add column","justification":"Feature X",
             "payload":{"database":"orders","statements":["ALTER TABLE orders ADD COLUMN note TEXT"]}}""";
    static final String PUSH = """
            {"type":"code.push","target":"github.com/acme/api","environment":"production",
             "summary":"Push fix","justification":"Hotfix",
             "payload":{"repository":"github.com/acme/api","branch":"main",
                        "commitSha":"0123456789abcdef0123456789abcdef01234567",
                        "diffStat":{"filesChanged":2,"insertions":10,"deletions":3},"patch":"--- a\\n+++ b\\n"}}""";
    static final String AGENT = """
            {"id":"fuzz-new-agent","displayName":"Fuzz","ownerUserId":"fuzz-owner",
             "allowedTypes":["payment.transfer"],"allowedTargets":["acct:**"],"allowedEnvironments":["sandbox"],
             "quotas":{"requestsPerMinute":60,"maxPendingReviews":5},"enabled":true}""";

    /** The endpoints as of this commit; keep in step with the API (the coverage test enforces it). */
    public static final List<Endpoint> ALL = List.of(
            new Endpoint("POST", "/api/v1/actions", Role.AGENT, List.of(), PAYMENT, 4),
            new Endpoint("POST", "/api/v1/actions", Role.AGENT, List.of(), SCHEMA, 3),
            new Endpoint("POST", "/api/v1/actions", Role.AGENT, List.of(), PUSH, 3),
            new Endpoint("GET", "/api/v1/actions/{id}", Role.AGENT, List.of("wait"), null, 3),
            new Endpoint("GET", "/api/v1/actions", Role.AGENT, List.of("status", "type", "from", "to", "cursor", "limit"), null, 3),
            new Endpoint("POST", "/api/v1/actions/{pendingId}/cancel", Role.AGENT, List.of(), "{\"reason\":\"no longer needed\"}", 2),
            new Endpoint("POST", "/api/v1/actions/{id}/outcome", Role.AGENT, List.of(),
                    "{\"outcome\":\"EXECUTED\",\"detail\":\"done\"}", 2),
            new Endpoint("POST", "/api/v1/actions/{pendingId}/revisions", Role.AGENT, List.of(),
                    "{\"summary\":\"revised\",\"justification\":\"as asked\",\"payload\":{\"database\":\"orders\","
                            + "\"statements\":[\"ALTER TABLE t ADD COLUMN c INT\"]}}", 2),
            new Endpoint("GET", "/api/v1/admin/outbox", Role.ADMIN, List.of("status", "limit"), null, 1),
            new Endpoint("POST", "/api/v1/admin/outbox/retry-parked", Role.ADMIN, List.of(), null, 1),
            new Endpoint("POST", "/api/v1/admin/outbox/{outboxId}/retry", Role.ADMIN, List.of(), null, 1),
            new Endpoint("GET", "/api/v1/admin/notifications", Role.ADMIN, List.of("status", "limit"), null, 1),
            new Endpoint("POST", "/api/v1/admin/notifications/retry-parked", Role.ADMIN, List.of(), null, 1),
            new Endpoint("POST", "/api/v1/admin/notifications/{notificationId}/retry", Role.ADMIN, List.of(), null, 1),
            new Endpoint("GET", "/api/v1/admin/agents", Role.ADMIN, List.of(), null, 1),
            new Endpoint("GET", "/api/v1/admin/agents/{agentId}", Role.ADMIN, List.of(), null, 1),
            new Endpoint("POST", "/api/v1/admin/agents", Role.ADMIN, List.of(), AGENT, 3),
            new Endpoint("PUT", "/api/v1/admin/agents/{agentId}", Role.ADMIN, List.of(), AGENT.replace("\"id\":\"fuzz-new-agent\",", ""), 3),
            new Endpoint("DELETE", "/api/v1/admin/agents/{agentId}", Role.ADMIN, List.of(), null, 1),
            new Endpoint("GET", "/api/v1/admin/policy", Role.ADMIN, List.of(), null, 1),
            new Endpoint("POST", "/api/v1/admin/policy/reload", Role.ADMIN, List.of(), null, 1),
            new Endpoint("GET", "/api/v1/audit/checkpoints", Role.AUDITOR, List.of("before", "limit"), null, 2),
            new Endpoint("GET", "/api/v1/audit/checkpoints/{treeSize}", Role.AUDITOR, List.of(), null, 1),
            new Endpoint("GET", "/api/v1/audit/checkpoint-key", Role.AUDITOR, List.of(), null, 1),
            new Endpoint("GET", "/api/v1/audit/proofs/inclusion", Role.AUDITOR, List.of("seq", "treeSize"), null, 2),
            new Endpoint("GET", "/api/v1/audit/proofs/consistency", Role.AUDITOR, List.of("from", "to"), null, 2),
            new Endpoint("GET", "/api/v1/audit/requests/{id}", Role.AUDITOR, List.of(), null, 2),
            new Endpoint("GET", "/api/v1/audit/verify", Role.AUDITOR, List.of(), null, 1),
            new Endpoint("GET", "/api/v1/audit/export", Role.AUDITOR, List.of("from", "to", "agent", "type", "request", "actor", "format"),
                    null, 1),
            new Endpoint("GET", "/.well-known/jwks.json", Role.PUBLIC, List.of(), null, 1),
            new Endpoint("POST", "/api/v1/slack/interactivity", Role.PUBLIC, List.of(), null, 1),
            new Endpoint("POST", "/api/v1/releases/{jti}/redeem", Role.EXECUTOR, List.of(), "{\"token\":\"{token}\"}", 3),
            // reviewer inbox (HTML forms, session cookie + CSRF)
            new Endpoint("GET", "/inbox/sign-in", Role.PUBLIC, List.of("error", "error_description"), null, 1, true),
            new Endpoint("GET", "/inbox/signed-out", Role.PUBLIC, List.of(), null, 1, true),
            new Endpoint("POST", "/inbox/sign-in", Role.PUBLIC, List.of(), "_csrf={csrf}&token={session}", 2, true),
            new Endpoint("POST", "/inbox/sign-in/demo", Role.PUBLIC, List.of(), "_csrf={csrf}&user=dora", 1, true),
            new Endpoint("POST", "/inbox/sign-out", Role.REVIEWER, List.of(), "_csrf={csrf}", 1, true),
            new Endpoint("GET", "/inbox", Role.REVIEWER, List.of("type", "environment", "agent", "risk", "page"), null, 3, true),
            new Endpoint("GET", "/inbox/requests/{pendingId}", Role.REVIEWER, List.of("notice"), null, 3, true),
            new Endpoint("GET", "/inbox/decisions", Role.REVIEWER, List.of(), null, 1, true),
            new Endpoint("GET", "/inbox/requests/{pendingId}/process", Role.REVIEWER, List.of(), null, 2, true),
            new Endpoint("POST", "/inbox/requests/{pendingId}/decision", Role.REVIEWER, List.of(),
                    "_csrf={csrf}&taskKey={taskKey}&digest={digest}&decision=approve&comment=fuzz", 3, true),
            new Endpoint("POST", "/inbox/requests/{pendingId}/claim", Role.REVIEWER, List.of(), "_csrf={csrf}&taskKey={taskKey}", 2, true),
            new Endpoint("POST", "/inbox/requests/{pendingId}/unclaim", Role.REVIEWER, List.of(), "_csrf={csrf}&taskKey={taskKey}", 2, true),
            new Endpoint("POST", "/inbox/requests/{pendingId}/reassign", Role.REVIEWER, List.of(),
                    "_csrf={csrf}&taskKey={taskKey}&assignee=fuzz-other-reviewer", 2, true),
            new Endpoint("GET", "/inbox/slack/link", Role.REVIEWER, List.of("t"), null, 1, true),
            new Endpoint("POST", "/inbox/slack/link", Role.REVIEWER, List.of(), "_csrf={csrf}&t=fuzz", 1, true),
            // auditor pages
            new Endpoint("GET", "/audit", Role.AUDITOR, List.of("type", "agent", "request", "actor", "from", "to", "before", "notice"),
                    null, 2, true),
            new Endpoint("GET", "/audit/requests/{id}", Role.AUDITOR, List.of(), null, 2, true),
            new Endpoint("POST", "/audit/verify", Role.AUDITOR, List.of(), "_csrf={csrf}", 1, true),
            new Endpoint("POST", "/audit/sign-out", Role.AUDITOR, List.of(), "_csrf={csrf}", 1, true),
            new Endpoint("GET", "/audit/export", Role.AUDITOR, List.of("format", "type", "agent", "request", "actor", "from", "to"), null,
                    1, true),
            // engine operator view
            new Endpoint("GET", "/api/v1/admin/engine/instances/{instanceKey}", Role.ADMIN, List.of(), null, 1));

    private FaultEndpoints() {
    }
}
