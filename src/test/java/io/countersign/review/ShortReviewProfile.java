package io.countersign.review;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Runs with a policy whose reviews time out after 15 s (escalation after about 11 s). */
public class ShortReviewProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("countersign.policy.file", "src/test/resources/review/short-review-policy.yaml");
    }
}
