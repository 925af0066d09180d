package io.countersign.policy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.testsupport.PolicyFileProfile;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reloading over HTTP from the configured file (PolicyFileProfile): success swaps and is announced, refusal keeps the old policy. */
@QuarkusTest
@TestProfile(PolicyFileProfile.class)
class PolicyReloadResourceTest {

    @Inject
    PolicyEvaluator evaluator;

    @Inject
    PolicyEventRecorder recorder;

    static String policy(String label, String outcome, String risk) {
        return Policies.withDefault("""
                  - name: staging-rule
                    when: environment = "staging"
                    outcome: %s
                    risk: %s
                """.formatted(outcome, risk)).replace("version: \"t1\"", "version: \"" + label + "\"");
    }

    private static void write(String content) {
        PolicyFileProfile.write(content);
    }

    /** The profile's other tests expect the short-review policy in force. */
    @AfterEach
    void restoreThePolicyTheProfileStartsWith() {
        PolicyFileProfile.restoreShortReview();
        given().auth().oauth2(Tokens.admin()).when().post("/api/v1/admin/policy/reload")
                .then().statusCode(200).body("version", startsWith("test-short-review+sha256:"));
    }

    @Test
    void reloadPutsTheEditedFileInForceAndAnnouncesIt() {
        String before = evaluator.active().version();
        write(policy("file-v2", "deny", "high"));

        String version = given().auth().oauth2(Tokens.admin())
                .when().post("/api/v1/admin/policy/reload")
                .then().statusCode(200)
                .body("version", startsWith("file-v2+sha256:"))
                .body("source", equalTo("file:" + PolicyFileProfile.FILE))
                .body("rules[0].outcome", equalTo("DENY"))
                .extract().path("version");

        given().auth().oauth2(Tokens.auditor())
                .when().get("/api/v1/admin/policy")
                .then().statusCode(200).body("version", equalTo(version));
        assertEquals(PolicyOutcome.DENY, evaluator.evaluate(Policies.input("any", "t", "staging", "{}")).outcome());
        assertTrue(recorder.events().contains(new PolicyReloaded(before, version, "alice-admin",
                "file:" + PolicyFileProfile.FILE)), recorder.events()::toString);
    }

    @Test
    void refusedReloadAnswers422AndKeepsTheOldPolicy() {
        write(policy("file-v3", "auto-approve", "low"));
        String good = given().auth().oauth2(Tokens.admin())
                .when().post("/api/v1/admin/policy/reload")
                .then().statusCode(200).extract().path("version");

        write(policy("file-v4", "auto-approve", "low").replace("environment = \"staging\"", "environment = = \"staging\""));
        given().auth().oauth2(Tokens.admin())
                .when().post("/api/v1/admin/policy/reload")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("https://countersign.dev/problems/invalid-policy"))
                .body("detail", containsString("policy " + good + " stays in force"))
                .body("detail", containsString("rule 'staging-rule' (rules[0].when): invalid FEEL"))
                .body("errors[0].field", equalTo("rules[0].when"))
                .body("errors[0].message", startsWith("rule 'staging-rule': invalid FEEL"));

        given().auth().oauth2(Tokens.admin())
                .when().get("/api/v1/admin/policy")
                .then().statusCode(200).body("version", equalTo(good));
        assertEquals(PolicyOutcome.AUTO_APPROVE, evaluator.evaluate(Policies.input("any", "t", "staging", "{}")).outcome());
        List<Object> rejected = recorder.events().stream().filter(PolicyReloadRejected.class::isInstance).toList();
        assertTrue(rejected.stream().map(PolicyReloadRejected.class::cast)
                .anyMatch(r -> r.activeVersion().equals(good) && r.actor().equals("alice-admin")
                        && r.violations().get(0).rule().equals("staging-rule")), recorder.events()::toString);
    }
}
