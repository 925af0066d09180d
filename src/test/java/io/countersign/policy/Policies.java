package io.countersign.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.json.JsonSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.camunda.feel.api.FeelEngineBuilder;

/** Small builders for policy unit tests: compilers, policies from YAML text, and inputs. */
final class Policies {

    static final Duration DEFAULT_TIMEOUT = Duration.ofHours(24);

    private Policies() {
    }

    static PolicyCompiler compiler() {
        return new PolicyCompiler(FeelEngineBuilder.create().build(), DEFAULT_TIMEOUT, Duration.ofDays(30));
    }

    static CompiledPolicy compile(String yaml) {
        return compiler().compile(yaml.getBytes(StandardCharsets.UTF_8), "test");
    }

    static CompiledPolicy bundled() {
        PolicySource source = new PolicySource(null, 1 << 20);
        return compiler().compile(source.read(), source.describe());
    }

    static JsonNode json(String json) {
        try {
            return JsonSupport.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static PolicyInput input(String type, String target, String environment, String payloadJson) {
        return new PolicyInput("agent-1", type, target, environment, "test action", "test justification",
                json(payloadJson));
    }

    static PolicyInput schemaChange(String environment, String... statements) {
        StringBuilder list = new StringBuilder();
        for (String s : statements) {
            list.append(list.length() == 0 ? "" : ",").append(JsonSupport.MAPPER.getNodeFactory().textNode(s));
        }
        return input("db.schema.change", "db://orders", environment,
                "{\"database\":\"orders\",\"statements\":[" + list + "]}");
    }

    static PolicyInput payment(String environment, String amount) {
        return input("payment.transfer", "bank://main", environment, "{\"amount\":\"" + amount + "\",\"currency\":\"EUR\","
                + "\"beneficiary\":{\"name\":\"ACME\",\"iban\":\"DE89370400440532013000\"},\"reference\":\"INV-1\"}");
    }

    static PolicyInput push(String environment, String branch) {
        return input("code.push", "git://github.com/acme/app", environment, "{\"repository\":\"acme/app\",\"branch\":\""
                + branch + "\",\"commitSha\":\"0123456789abcdef0123456789abcdef01234567\","
                + "\"diffStat\":{\"filesChanged\":1,\"insertions\":2,\"deletions\":0}}");
    }

    /** A minimal valid policy whose rules are {@code rulesYaml} followed by a review default. */
    static String withDefault(String rulesYaml) {
        return "version: \"t1\"\nrules:\n" + rulesYaml + """
                  - name: fallback
                    default: true
                    outcome: review
                    risk: medium
                    review:
                      groups: [security]
                """;
    }
}
