package io.countersign.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Every recorded actor is the token's subject: the upn (or preferred_username), which SmallRye
 * prefers for the principal name, is another claim an identity provider may let users edit.
 */
@QuarkusTest
class ActorIsTheSubjectTest {

    @Inject
    DataSource dataSource;

    private long eventsBy(String actor, String type) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND event_type = ?")) {
            ps.setString(1, actor);
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void policyReloadIsAuditedUnderTheSubject() throws Exception {
        String sub = "sec-admin-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(Tokens.withUpn(sub, "mallory", "admin"))
                .when().post("/api/v1/admin/policy/reload").then().statusCode(200);
        assertEquals(1, eventsBy(sub, "policy.reloaded"));
    }

    @Test
    void auditVerificationNamesTheSubject() {
        given().auth().oauth2(Tokens.withUpn("sec-auditor", "mallory", "auditor"))
                .when().get("/api/v1/audit/verify").then().statusCode(200).body("requestedBy", equalTo("sec-auditor"));
    }
}
