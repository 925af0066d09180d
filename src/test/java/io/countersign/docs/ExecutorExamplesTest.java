package io.countersign.docs;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.docs.examples.CountersignRedeemer;
import io.countersign.docs.examples.GuardedMigrationRunner;
import io.countersign.docs.examples.GuardedTransfers;
import io.countersign.identity.dev.DemoIdentities;
import io.countersign.release.verify.JwksSource;
import io.countersign.release.verify.ReleaseVerifier;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The executor examples of docs/executors.md: the page shows exactly the sources in
 * {@code docs.examples} (between {@code doc:begin} and {@code doc:end}), and here they run
 * against releases that demo agents obtained through the API and demo reviewers approved in
 * the inbox. Shares DocExamplesTest's application (same profile and tag).
 */
@QuarkusTest
@TestProfile(DocExamplesTest.Demo.class)
@Tag("after-package")
class ExecutorExamplesTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    DemoIdentities demo;

    @Test
    void thePageShowsExactlyTheExampleSources() throws IOException {
        String page = Files.readString(Path.of("docs/executors.md"));
        for (String name : List.of("CountersignRedeemer", "GuardedMigrationRunner", "GuardedTransfers")) {
            String source = Files.readString(Path.of("src/test/java/io/countersign/docs/examples/" + name + ".java"));
            String shown = source.substring(source.indexOf("// doc:begin\n") + "// doc:begin\n".length(),
                    source.indexOf("// doc:end"));
            assertTrue(page.contains("```java\n" + shown + "```\n"), "docs/executors.md does not show " + name
                    + " as it is in src/test/java/io/countersign/docs/examples");
        }
    }

    @Test
    void theMigrationRunnerRunsTheApprovedStatementsOnceAndNothingElse() throws Exception {
        String payload = "{\"database\":\"orders\",\"statements\":["
                + "\"CREATE TABLE invoices (id INT PRIMARY KEY, total DECIMAL(12,2))\","
                + "\"CREATE INDEX invoices_total ON invoices (total)\"]}";
        UUID id = submit("demo-dba-agent", "db.schema.change", "db://orders/main", "production", payload);
        DemoInbox.decide(demo, "dora", id, "APPROVE");
        String token = release("demo-dba-agent", id);

        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:executor-example-" + id + ";DB_CLOSE_DELAY=-1");
        GuardedMigrationRunner runner = new GuardedMigrationRunner(verifier(),
                new CountersignRedeemer(URI.create(base.toString()), demo.tokens().get("demo-db-migrator")), db, "orders");

        String tampered = payload.replace("CREATE INDEX invoices_total ON invoices (total)", "DROP TABLE invoices");
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> runner.run(token, tampered.getBytes(StandardCharsets.UTF_8)));
        assertTrue(refused.getMessage().contains("DIGEST_MISMATCH"), refused.getMessage());
        assertEquals(List.of(), tables(db), "nothing ran for a payload that was not approved");

        runner.run(token, payload.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("INVOICES"), tables(db));

        IllegalStateException replay = assertThrows(IllegalStateException.class,
                () -> runner.run(token, payload.getBytes(StandardCharsets.UTF_8)));
        assertTrue(replay.getMessage().contains("409"), replay.getMessage());
    }

    @Test
    void thePaymentServicePaysTheVerifiedBodyOnce() throws Exception {
        String payload = "{\"amount\":\"2500.00\",\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACME GmbH\","
                + "\"iban\":\"DE89370400440532013000\"},\"reference\":\"INV-2026-118\"}";
        UUID id = submit("demo-payments-agent", "payment.transfer", "acct:treasury/eur-test", "sandbox", payload);
        String token = release("demo-payments-agent", id);

        List<String> ledger = new ArrayList<>();
        GuardedTransfers transfers = new GuardedTransfers(verifier().withIssuer("countersign"),
                new CountersignRedeemer(URI.create(base.toString()), demo.tokens().get("demo-payment-service")),
                (t, key) -> {
                    ledger.add(t.amount() + " " + t.currency() + " to " + t.beneficiary().iban() + " key " + key);
                    return "tx-" + ledger.size();
                });

        for (String other : List.of(payload.replace("\"2500.00\"", "\"2500.0\""),
                payload.replace("\"2500.00\"", "\"2500.01\""))) {
            GuardedTransfers.RefusedException e = assertThrows(GuardedTransfers.RefusedException.class,
                    () -> transfers.transfer(token, other.getBytes(StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().startsWith("DIGEST_MISMATCH"), e.getMessage());
        }
        assertEquals("tx-1", transfers.transfer(token, payload.getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(new BigDecimal("2500.00") + " EUR to DE89370400440532013000 key countersign:" + id), ledger);
        assertThrows(IllegalStateException.class, () -> transfers.transfer(token, payload.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, ledger.size(), "a release pays once");
    }

    private ReleaseVerifier verifier() {
        return new ReleaseVerifier(JwksSource.fromUrl(URI.create(base.toString()).resolve("/.well-known/jwks.json")));
    }

    private UUID submit(String agent, String type, String target, String environment, String payload) {
        String body = "{\"type\":\"" + type + "\",\"target\":\"" + target + "\",\"environment\":\"" + environment
                + "\",\"summary\":\"Executor example\",\"justification\":\"docs/executors.md\",\"payload\":" + payload + "}";
        return UUID.fromString(given().auth().oauth2(demo.tokens().get(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(body)
                .when().post("/api/v1/actions").then().statusCode(201).extract().path("id"));
    }

    private String release(String agent, UUID id) {
        JsonPath read = given().auth().oauth2(demo.tokens().get(agent)).when().get("/api/v1/actions/" + id + "?wait=30s")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("APPROVED", read.getString("status"));
        return read.getString("release.token");
    }

    private static List<String> tables(JdbcDataSource db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", "%",
                new String[] { "TABLE" })) {
            while (rs.next()) {
                out.add(rs.getString("TABLE_NAME"));
            }
        }
        return out;
    }
}
