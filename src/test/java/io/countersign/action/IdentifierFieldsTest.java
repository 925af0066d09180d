package io.countersign.action;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.countersign.testsupport.Payloads;
import io.countersign.testsupport.TestAgents;
import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Payload fields that are identifiers refuse hidden, direction-changing and non-ASCII characters outright. */
@QuarkusTest
class IdentifierFieldsTest {

    @Inject
    TestAgents agents;

    String agent;

    @BeforeEach
    void registerAgent() {
        agent = agents.register();
    }

    ValidatableResponse submit(String body) {
        return given().auth().oauth2(Tokens.agent(agent)).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(body)
                .when().post("/api/v1/actions")
                .then();
    }

    static String payment(String account, String reference) {
        return Payloads.submission("payment.transfer", "acct:treasury/main", "sandbox",
                "{\"amount\":\"10.00\",\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACME\",\"account\":\"" + account
                        + "\"},\"reference\":\"" + reference + "\"}");
    }

    @Test
    void refusesARightToLeftOverrideInAnAccountNamingTheFieldAndTheCodePoint() {
        submit(payment("\u202E12345678", "INV-1"))
                .statusCode(400)
                .contentType("application/problem+json")
                // the example of docs/api.md
                .body("type", equalTo("https://countersign.dev/problems/validation"))
                .body("title", equalTo("Request is invalid"))
                .body("detail", equalTo("payload.beneficiary.account: contains U+202E RIGHT-TO-LEFT OVERRIDE at "
                        + "character 1; identifiers must be printable ASCII"))
                .body("instance", equalTo("/api/v1/actions"))
                .body("errors.find { it.field == 'payload.beneficiary.account' }.message",
                        equalTo("contains U+202E RIGHT-TO-LEFT OVERRIDE at character 1; identifiers must be printable ASCII"));
    }

    @Test
    void refusesHiddenOrNonAsciiCharactersInEveryIdentifierField() {
        submit(payment("12345678", "INV\u200B-1")).statusCode(400)
                .body("errors.field", hasItem("payload.reference"));
        submit(Payloads.payment("10.00", "sandbox").replace("DE89370400440532013000", "DE89370400440532013000\u200E"))
                .statusCode(400).body("errors.find { it.field == 'payload.beneficiary.iban' }.message",
                        equalTo("contains U+200E LEFT-TO-RIGHT MARK at character 23; identifiers must be printable ASCII"));
        submit(Payloads.codePush("main\u2066", "sandbox")).statusCode(400)
                .body("errors.field", hasItem("payload.branch"));
        submit(Payloads.codePush("r\u0435lease/1", "sandbox")).statusCode(400)
                .body("errors.find { it.field == 'payload.branch' }.message",
                        equalTo("contains U+0435 CYRILLIC SMALL LETTER IE at character 2; identifiers must be printable ASCII"));
        submit(Payloads.schemaChange("sandbox", "SELECT 1").replace("\"database\":\"orders\"",
                "\"database\":\"ord\u0435rs\"")).statusCode(400).body("errors.field", hasItem("payload.database"));
        submit(payment("12345678", "INV-1").replace("EUR", "EU\u0052\u200D")).statusCode(400)
                .body("errors.field", hasItem("payload.currency"));
    }

    @Test
    void freeTextFieldsKeepTheirCharactersAndAreShownMarkedInstead() {
        submit(payment("12345678", "INV-1").replace("\"name\":\"ACME\"", "\"name\":\"M\u00fcller \u202EGmbH\""))
                .statusCode(201);
    }
}
