package io.countersign.identity.dev;

import io.countersign.identity.AgentInput;
import io.countersign.identity.AgentRegistry;
import io.countersign.identity.DemoPeople;
import io.countersign.identity.Roles;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Dev profile only (`mvn quarkus:dev`): seeds demo agents and mints tokens for demo agents and
 * people with the fixture issuer key, so a newcomer can act as an agent or reviewer at once; the
 * people are the sign-in page's one-click demo accounts ({@link DemoPeople}). Never built into the
 * packaged application.
 */
@IfBuildProfile("dev")
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

    static final List<AgentInput> AGENTS = List.of(
            new AgentInput("demo-dba-agent", "Schema migration assistant", "olivia", List.of("db.schema.change"),
                    List.of("db://**"), List.of("staging", "production"), null, true),
            new AgentInput("demo-payments-agent", "Accounts payable agent", "paul", List.of("payment.transfer"),
                    List.of("acct:**"), List.of("sandbox", "production"), null, true),
            new AgentInput("demo-coder-agent", "Coding agent", "olivia", List.of("code.push"),
                    List.of("github.com/acme/**"), List.of("staging", "production"), null, true),
            new AgentInput("demo-ops-agent", "Operations agent", "sam", List.of("ops.restart"),
                    List.of("svc:*"), List.of("staging", "production"), null, true));

    @Inject
    AgentRegistry registry;

    @ConfigProperty(name = "smallrye.jwt.new-token.issuer")
    String issuer;

    void seed(@Observes StartupEvent ev) {
        for (AgentInput a : AGENTS) {
            if (registry.list().stream().noneMatch(v -> v.id().equals(a.id()))) {
                registry.create(a, "dev-seed");
            }
        }
        StringBuilder sb = new StringBuilder("\n=== Countersign dev identities (tokens valid 12 h; also at GET /dev/tokens) ===\n");
        tokens().forEach((who, token) -> sb.append(String.format("%-22s %s%n", who, token)));
        sb.append("Example: export TOKEN=$(curl -s localhost:8080/dev/tokens | jq -r '.\"demo-payments-agent\".token')\n");
        Log.info(sb);
    }

    /** Subject → token for every demo agent and person. */
    public Map<String, String> tokens() {
        Map<String, String> out = new LinkedHashMap<>();
        AGENTS.forEach(a -> out.put(a.id(), mint(a.id(), Set.of(Roles.AGENT))));
        PEOPLE.forEach(p -> out.put(p.subject(), mint(p.subject(), new LinkedHashSet<>(p.groups()))));
        return out;
    }

    /** Descriptions shown next to the tokens. */
    public Map<String, String> descriptions() {
        Map<String, String> out = new LinkedHashMap<>();
        AGENTS.forEach(a -> out.put(a.id(), "agent: " + a.displayName() + " (owner " + a.ownerUserId() + ", types "
                + a.allowedTypes() + ", environments " + a.allowedEnvironments() + ")"));
        PEOPLE.forEach(p -> out.put(p.subject(), p.description()));
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
