package io.countersign.inbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The identity provider cannot be reached (nothing listens at its address): Countersign still
 * starts, agents keep working with their bearer tokens, and a person who tries to sign in gets a
 * page that says the provider cannot be reached.
 */
@QuarkusTest
@TestProfile(OidcProviderDownTest.Down.class)
class OidcProviderDownTest {

    public static class Down implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort(); // free, and closed again before Quarkus starts
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("countersign.web.sign-in", "oidc",
                    "quarkus.oidc.auth-server-url", "http://127.0.0.1:" + closed + "/realms/company",
                    "quarkus.oidc.client-id", "countersign-web",
                    "quarkus.oidc.credentials.secret", "test-client-secret-0123456789abcdefghij",
                    "quarkus.oidc.connection-timeout", "2S");
        }
    }

    @Test
    void signingInSaysTheProviderCannotBeReachedAndAgentsAreUnaffected() {
        Response page = given().redirects().follow(false).when().get("/inbox");
        assertThat(page.statusCode()).isEqualTo(303);
        Response signIn = given().redirects().follow(false).when().get(page.header("Location"));
        assertThat(signIn.statusCode()).as(signIn.body().asString()).isEqualTo(503);
        assertThat(signIn.contentType()).startsWith("text/html");
        assertThat(signIn.header("Countersign-Refusal")).isEqualTo("identity-provider-unavailable");
        assertThat(signIn.body().asString()).contains("Countersign could not reach the company");
        // the API's bearer tokens do not depend on the people's provider
        given().auth().oauth2(Tokens.admin()).when().get("/api/v1/admin/policy").then().statusCode(200);
    }
}
