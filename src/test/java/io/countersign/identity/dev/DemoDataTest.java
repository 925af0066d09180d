package io.countersign.identity.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.countersign.identity.AgentInput;
import io.countersign.identity.Roles;
import io.countersign.identity.dev.DemoIdentities.DemoExecutor;
import io.countersign.identity.dev.DemoIdentities.DemoIdentity;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The demo identities are what the README's table says they are, and with the bundled policy
 * every review a demo agent can reach can be completed by demo reviewers who do not own it.
 */
class DemoDataTest {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** README table rows: first column's names → the row's three cells. */
    private static Map<String, List<String>> readmeTable() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("| who | token at `/dev/tokens/<who>` | may |");
        assertTrue(start >= 0, "README.md has no table of demo identities");
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : readme.substring(start).lines().skip(2).takeWhile(l -> l.startsWith("|")).toList()) {
            String[] cells = line.split("\\|");
            List<String> row = List.of(cells[1].strip(), cells[2].strip(), cells[3].strip());
            codes(row.get(0)).forEach(name -> rows.put(name, row));
        }
        return rows;
    }

    private static List<String> codes(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void theReadmeTableNamesEveryDemoIdentityAsItIs() throws Exception {
        Map<String, List<String>> table = readmeTable();
        List<String> expected = new ArrayList<>();
        DemoIdentities.AGENTS.forEach(a -> expected.add(a.id()));
        DemoIdentities.PEOPLE.forEach(p -> expected.add(p.subject()));
        DemoIdentities.EXECUTORS.forEach(e -> expected.add(e.subject()));
        assertEquals(expected.stream().sorted().toList(), table.keySet().stream().sorted().toList(),
                "the README's demo identities");

        for (AgentInput a : DemoIdentities.AGENTS) {
            List<String> row = table.get(a.id());
            assertEquals("agent, owner `" + a.ownerUserId() + "`", row.get(1), a.id());
            List<String> scope = new ArrayList<>(a.allowedTypes());
            scope.addAll(a.allowedTargets());
            scope.addAll(a.allowedEnvironments());
            assertEquals(scope, codes(row.get(2)), a.id() + ": types, targets and environments");
        }
        for (DemoIdentity p : DemoIdentities.PEOPLE) {
            List<String> row = table.get(p.subject());
            if (p.groups().contains(Roles.REVIEWER)) {
                assertTrue(row.get(1).startsWith("reviewer"), p.subject());
                assertEquals(p.groups().stream().filter(g -> !g.equals(Roles.REVIEWER)).toList(),
                        codes(row.get(2)), p.subject() + "'s groups");
            } else {
                assertEquals(p.groups(), List.of(row.get(1)), p.subject() + "'s role");
            }
        }
        List<DemoExecutor> executors = DemoIdentities.EXECUTORS;
        assertEquals(executors.stream().map(DemoExecutor::audience).toList(),
                codes(table.get(executors.get(0).subject()).get(2)), "the executors' audiences, in order");
    }

    @Test
    void theReadmeSaysOliviaOwnsEveryDemoAgent() throws Exception {
        assertTrue(Files.readString(Path.of("README.md")).contains("owns every demo agent"));
        assertEquals(List.of("olivia"), DemoIdentities.AGENTS.stream().map(AgentInput::ownerUserId).distinct().toList());
    }

    /**
     * For every review rule of the bundled policy and every demo agent whose types it can
     * match (a rule that names no type matches all), enough demo reviewers in the rule's groups
     * who do not own the agent exist to give its approvals.
     */
    @Test
    void everyReviewADemoAgentCanReachCanBeCompleted() throws Exception {
        JsonNode policy;
        try (InputStream in = DemoDataTest.class.getResourceAsStream("/policy/default-policy.yaml")) {
            policy = new YAMLMapper().readTree(in);
        }
        Pattern type = Pattern.compile("type = \"([^\"]+)\"");
        List<String> problems = new ArrayList<>();
        for (JsonNode rule : policy.path("rules")) {
            if (!rule.path("outcome").asText().equals("review")) {
                continue;
            }
            Matcher m = type.matcher(rule.path("when").asText());
            String ruleType = m.find() ? m.group(1) : null;
            List<String> groups = new ArrayList<>();
            rule.path("review").path("groups").forEach(g -> groups.add(g.asText()));
            int approvals = rule.path("review").path("approvals").asInt(1);
            for (AgentInput a : DemoIdentities.AGENTS) {
                if (ruleType != null && !a.allowedTypes().contains(ruleType)) {
                    continue;
                }
                List<String> able = DemoIdentities.PEOPLE.stream()
                        .filter(p -> p.groups().contains(Roles.REVIEWER) && !p.subject().equals(a.ownerUserId()))
                        .filter(p -> p.groups().stream().anyMatch(groups::contains))
                        .map(DemoIdentity::subject).collect(Collectors.toList());
                if (able.size() < approvals) {
                    problems.add(rule.path("name").asText() + " for " + a.id() + ": needs " + approvals
                            + " reviewers in " + groups + " other than " + a.ownerUserId() + ", has " + able);
                }
            }
        }
        assertEquals(List.of(), problems);
    }
}
