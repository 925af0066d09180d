package io.countersign.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real objects for the fuzzer to aim at, created through the public API: a fuzz agent with
 * generous quotas, a victim agent for the admin endpoints, decided and pending requests, and a
 * release token. Fuzzing with valid ids reaches the code behind the 404s.
 */
public final class Fixtures {

    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    private static final Pattern JTI = Pattern.compile("\"jti\":\"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");

    public final String agentId;
    public final String victimAgentId;
    /** Placeholder name → valid values. */
    public final Map<String, List<String>> values = new LinkedHashMap<>();

    private Fixtures(String agentId, String victimAgentId) {
        this.agentId = agentId;
        this.victimAgentId = victimAgentId;
    }

    /** Registers the agents and creates the requests; fails loudly if the API does not behave. */
    public static Fixtures create(RawHttp http, JwtForge jwt, String run) {
        String admin = jwt.valid("fuzz-admin", "admin");
        Fixtures f = new Fixtures("fuzz-" + run, "fuzz-victim-" + run);
        for (String id : List.of(f.agentId, f.victimAgentId)) {
            String body = "{\"id\":\"" + id + "\",\"displayName\":\"Fuzz agent\",\"ownerUserId\":\"fuzz-owner\","
                    + "\"allowedTypes\":[\"payment.transfer\",\"db.schema.change\",\"code.push\"],\"allowedTargets\":[\"**\"],"
                    + "\"allowedEnvironments\":[\"sandbox\",\"staging\",\"production\"],"
                    + "\"quotas\":{\"requestsPerMinute\":100000,\"maxPendingReviews\":100000},\"enabled\":true}";
            expect(http.send("POST", "/api/v1/admin/agents", json(admin), body), 201, "register " + id);
        }
        String agent = jwt.valid(f.agentId, "agent");
        List<String> decided = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        String approved = submit(http, agent, FaultEndpoints.PAYMENT.replace("production", "sandbox").replace("12500.00", "12.50"));
        decided.add(approved);
        decided.add(submit(http, agent, FaultEndpoints.SCHEMA.replace("ALTER TABLE orders ADD COLUMN note TEXT", "DROP DATABASE orders")));
        decided.add(submit(http, agent, FaultEndpoints.SCHEMA));
        for (int i = 0; i < 3; i++) {
            pending.add(submit(http, agent, FaultEndpoints.PAYMENT.replace("INV-1", "INV-P" + i)));
        }
        RawHttp.Response read = expect(http.send("GET", "/api/v1/actions/" + approved, List.<String[]>of(bearer(agent)), (String) null),
                200, "read approved request");
        Matcher jti = JTI.matcher(read.text());
        Matcher token = TOKEN.matcher(read.text());
        if (!jti.find() || !token.find()) {
            throw new IllegalStateException("approved request carries no release: " + read.text());
        }
        f.values.put("id", decided);
        f.values.put("pendingId", pending);
        f.values.put("agentId", List.of(f.victimAgentId, f.agentId));
        f.values.put("jti", List.of(jti.group(1)));
        f.values.put("token", List.of(token.group(1)));
        f.values.put("treeSize", List.of("1", "2", "3"));
        f.values.put("outboxId", List.of("1", "42"));
        f.values.put("notificationId", List.of("1", "42"));
        f.values.put("instanceKey", List.of("1", "42"));
        f.values.put("requestId", decided);
        reviewSteps(http, jwt, f, pending);
        return f;
    }

    private static final Pattern TASK_KEY = Pattern.compile("name=\"taskKey\" value=\"(\\d+)\"");
    private static final Pattern DIGEST = Pattern.compile("name=\"digest\" value=\"([0-9a-f]{64})\"");

    /** The review step (task key, digest) of each pending request, from its inbox page once the engine opened it. */
    private static void reviewSteps(RawHttp http, JwtForge jwt, Fixtures f, List<String> pending) {
        List<String[]> cookie = List.<String[]>of(new String[] { "Cookie", "countersign_session="
                + jwt.valid("fuzz-reviewer", FaultEndpoints.Role.REVIEWER.groups()) });
        List<String> taskKeys = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        for (String id : pending) {
            while (true) {
                RawHttp.Response page = http.send("GET", "/inbox/requests/" + id, cookie, (String) null);
                Matcher task = TASK_KEY.matcher(page.text());
                Matcher digest = DIGEST.matcher(page.text());
                if (page.status() == 200 && task.find() && digest.find()) {
                    taskKeys.add(task.group(1));
                    digests.add(digest.group(1));
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no review step for pending request " + id + " within 60 s: "
                            + page.status());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        f.values.put("taskKey", taskKeys);
        f.values.put("digest", digests);
    }

    private static String submit(RawHttp http, String agent, String body) {
        List<String[]> h = json(agent);
        h.add(new String[] { "Idempotency-Key", UUID.randomUUID().toString() });
        RawHttp.Response r = expect(http.send("POST", "/api/v1/actions", h, body), 201, "submit fixture request");
        Matcher m = ID.matcher(r.text());
        if (!m.find()) {
            throw new IllegalStateException("no id in " + r.text());
        }
        return m.group(1);
    }

    static List<String[]> json(String token) {
        List<String[]> h = new ArrayList<>();
        h.add(bearer(token));
        h.add(new String[] { "Content-Type", "application/json" });
        return h;
    }

    static String[] bearer(String token) {
        return new String[] { "Authorization", "Bearer " + token };
    }

    private static RawHttp.Response expect(RawHttp.Response r, int status, String what) {
        if (r.status() != status) {
            throw new IllegalStateException(what + ": expected " + status + " but got " + r.status() + " "
                    + (r.transportError() != null ? r.transportError() : r.text()));
        }
        return r;
    }
}
