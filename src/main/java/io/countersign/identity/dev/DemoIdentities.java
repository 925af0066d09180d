package io.countersign.identity.dev;

import io.countersign.identity.AgentInput;
import io.countersign.identity.AgentRegistry;
import io.countersign.identity.DemoPeople;
import io.countersign.identity.Roles;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Dev profile only (`mvn quarkus:dev`; also the build profile {@code demo}, which the test of the
 * README's walkthrough adds to {@code test}): seeds demo agents and mints tokens for demo agents,
 * people and executors with the fixture issuer key, so a newcomer can act as an agent, reviewer or
 * executor at once; the people are the sign-in page's one-click demo accounts ({@link DemoPeople}).
 * Never built into the packaged application (its build profile is {@code prod}).
 */
@IfBuildProfile(anyOf = {"dev", "demo"})
@ApplicationScoped
public class DemoIdentities implements DemoPeople {

    /** A demo identity: subject and the groups claim (roles + reviewer groups). */
    public record DemoIdentity(String subject, String description, List<String> groups) {
    }

    static final List<DemoIdentity> PEOPLE = List.of(
            new DemoIdentity("dora", "reviewer in dba", List.of(Roles.REVIEWER, "dba")),
            new DemoIdentity("fred", "reviewer in finance", List.of(Roles.REVIEWER, "finance")),
            new DemoIdentity("fiona", "reviewer in finance (second approver)", List.of(Roles.REVIEWER, "finance")),
            new DemoIdentity("max", "reviewer in maintainers", List.of(Roles.REVIEWER, "maintainers")),
            new DemoIdentity("sam", "reviewer in security (escalations)", List.of(Roles.REVIEWER, "security")),
            new DemoIdentity("olivia", "reviewer in dba + maintainers who OWNS demo agents (cannot approve them)",
                    List.of(Roles.REVIEWER, "dba", "maintainers")),
            new DemoIdentity("audrey", "auditor", List.of(Roles.AUDITOR)),
            new DemoIdentity("alice", "administrator", List.of(Roles.ADMIN)));

    /** Every demo agent is owned by {@code olivia} (README: she can never approve their requests). */
    static final List<AgentInput> AGENTS = List.of(
            new AgentInput("demo-dba-agent", "Schema migration assistant", "olivia", List.of("db.schema.change"),
                    List.of("db://**"), List.of("staging", "production"), null, true),
            new AgentInput("demo-payments-agent", "Accounts payable agent", "olivia", List.of("payment.transfer"),
                    List.of("acct:**"), List.of("sandbox", "production"), null, true),
            new AgentInput("demo-coder-agent", "Coding agent", "olivia", List.of("code.push"),
                    List.of("github.com/acme/**"), List.of("staging", "production"), null, true),
            new AgentInput("demo-ops-agent", "Operations agent", "olivia", List.of("ops.restart"),
                    List.of("svc:*"), List.of("staging", "production"), null, true));

    /**
     * A demo executor: the subject of its token (role {@code executor}) and the one release
     * audience it redeems, mapped by {@code %dev,demo.countersign.release.executors} in
     * application.properties (checked at start).
     */
    public record DemoExecutor(String subject, String audience, String description) {
    }

    static final List<DemoExecutor> EXECUTORS = List.of(
            new DemoExecutor("demo-db-migrator", "db-migrator", "executor: redeems db.schema.change releases"),
            new DemoExecutor("demo-payment-service", "payment-service", "executor: redeems payment.transfer releases"),
            new DemoExecutor("demo-git-hook", "git-pre-receive", "executor: redeems code.push releases"),
            new DemoExecutor("demo-executor", "countersign-executor",
                    "executor: redeems releases of every other type (ops.restart …)"));

    @Inject
    AgentRegistry registry;

    @Inject
    Config config;

    @ConfigProperty(name = "smallrye.jwt.new-token.issuer")
    String issuer;

    void seed(@Observes StartupEvent ev) {
        for (DemoExecutor e : EXECUTORS) {
            String key = "countersign.release.executors.\"" + e.subject() + "\".audiences";
            List<String> mapped = config.getOptionalValues(key, String.class).orElse(List.of());
            if (!mapped.equals(List.of(e.audience()))) {
                throw new IllegalStateException("demo executor " + e.subject() + " must redeem exactly " + e.audience()
                        + ": set %dev,demo." + key + "=" + e.audience() + " (found " + mapped + ")");
            }
        }
        for (AgentInput a : AGENTS) {
            if (registry.list().stream().noneMatch(v -> v.id().equals(a.id()))) {
                registry.create(a, "dev-seed");
            }
        }
    }

    /**
     * Prints the identities once the HTTP server listens, with the port it really listens on
     * (Quarkus fires the event asynchronously).
     */
    void banner(@ObservesAsync HttpServerStart started) {
        int port = started.options().getPort();
        StringBuilder sb = new StringBuilder("\n=== Countersign demo identities (tokens valid 12 h; also at GET http://localhost:"
                + port + "/dev/tokens) ===\n");
        descriptions().forEach((who, what) -> sb.append(String.format("%-22s %s%n", who, what)));
        sb.append("Example: AGENT=$(curl -s localhost:").append(port).append("/dev/tokens/demo-payments-agent)\n");
        sb.append("Reviewers sign in at http://localhost:").append(port).append("/inbox/sign-in\n");
        Log.info(sb);
    }

    /** Subject → token for every demo agent, person and executor. */
    public Map<String, String> tokens() {
        Map<String, String> out = new LinkedHashMap<>();
        AGENTS.forEach(a -> out.put(a.id(), mint(a.id(), Set.of(Roles.AGENT))));
        PEOPLE.forEach(p -> out.put(p.subject(), mint(p.subject(), new LinkedHashSet<>(p.groups()))));
        EXECUTORS.forEach(e -> out.put(e.subject(), mint(e.subject(), Set.of(Roles.EXECUTOR))));
        return out;
    }

    /** What each demo identity may do, shown next to its token: an agent's owner and its whole scope. */
    public Map<String, String> descriptions() {
        Map<String, String> out = new LinkedHashMap<>();
        AGENTS.forEach(a -> out.put(a.id(), "agent: " + a.displayName() + " (owner " + a.ownerUserId() + "; types "
                + a.allowedTypes() + ", targets " + a.allowedTargets() + ", environments " + a.allowedEnvironments()
                + ")"));
        PEOPLE.forEach(p -> out.put(p.subject(), p.description()));
        EXECUTORS.forEach(e -> out.put(e.subject(), e.description() + " (audience " + e.audience() + ")"));
        return out;
    }

    @Override
    public Map<String, String> people() {
        Map<String, String> out = new LinkedHashMap<>();
        PEOPLE.forEach(p -> out.put(p.subject(), p.description()));
        return out;
    }

    @Override
    public Optional<String> token(String subject) {
        return PEOPLE.stream().filter(p -> p.subject().equals(subject)).findFirst()
                .map(p -> mint(p.subject(), new LinkedHashSet<>(p.groups())));
    }

    private String mint(String subject, Set<String> groups) {
        Instant now = Instant.now();
        return Jwt.issuer(issuer).audience("countersign").subject(subject).upn(subject).groups(groups)
                .issuedAt(now).expiresAt(now.plus(Duration.ofHours(12))).jws().keyId("dev-issuer-1").sign();
    }
}
