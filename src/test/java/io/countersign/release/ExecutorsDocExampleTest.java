package io.countersign.release;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Runs Countersign with the executor mapping printed in docs/executors.md ("Who may redeem"), unchanged. */
@QuarkusTest
@TestProfile(ExecutorsDocExampleTest.DocMapping.class)
class ExecutorsDocExampleTest {

    /** The first {@code properties} block after the "Who may redeem" heading of docs/executors.md. */
    public static class DocMapping implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                String doc = Files.readString(Path.of("docs/executors.md"));
                int section = doc.indexOf("### Who may redeem");
                int start = doc.indexOf("```properties\n", section) + "```properties\n".length();
                String block = doc.substring(start, doc.indexOf("```", start));
                Map<String, String> config = new LinkedHashMap<>();
                block.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
                    int eq = l.indexOf('=');
                    config.put(l.substring(0, eq), l.substring(eq + 1));
                });
                if (config.isEmpty() || section < 0) {
                    throw new IllegalStateException("no executor mapping example in docs/executors.md");
                }
                return config;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Inject
    ReleaseService releases;

    @Test
    void theDocumentedMappingLetsTheMigratorRedeemAndRefusesThePaymentService() {
        IssuedRelease issued = releases.issue(ReleaseFixtures.request(UUID.randomUUID(), "db.schema.change",
                ReleaseFixtures.PAYLOAD)); // aud db-migrator
        Map<String, String> body = Map.of("token", issued.token());
        given().contentType("application/json").body(body).auth().oauth2(Tokens.token("payments-svc", "executor"))
                .when().post("/api/v1/releases/{jti}/redeem", issued.jti()).then()
                .statusCode(403).body("type", equalTo("https://countersign.dev/problems/release-wrong-executor"));
        given().contentType("application/json").body(body).auth().oauth2(Tokens.token("db-migrator-svc", "executor"))
                .when().post("/api/v1/releases/{jti}/redeem", issued.jti()).then()
                .statusCode(200).body("redeemed_by", equalTo("db-migrator-svc"));
    }
}
