package io.countersign.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.countersign.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every way a bearer token can be wrong ends in 401 problem+json; the right token passes. */
@QuarkusTest
class JwtVerificationTest {

    private static final String URL = "/api/v1/actions";

    private static void assertRejected(String token) {
        given().auth().oauth2(token)
                .when().get(URL)
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401));
    }

    @Test
    void acceptsAValidTokenOfTheConfiguredIssuer() {
        // Authentication passes; the registry (not the token) then refuses the unregistered agent.
        given().auth().oauth2(Tokens.agent("unregistered-agent"))
                .when().get(URL)
                .then().statusCode(403)
                .body("type", equalTo("https://countersign.dev/problems/agent-not-registered"));
    }

    @Test
    void refusesMissingAndGarbageTokens() {
        given().when().get(URL).then().statusCode(401).contentType("application/problem+json");
        assertRejected("not-a-jwt");
    }

    @Test
    void refusesAlgNone() {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        long now = Instant.now().getEpochSecond();
        String claims = b64("{\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"countersign\",\"sub\":\"x\",\"groups\":[\"agent\"],"
                + "\"iat\":" + now + ",\"exp\":" + (now + 300) + "}");
        assertRejected(header + "." + claims + ".");
    }

    @Test
    void refusesTamperedSignature() {
        String[] parts = Tokens.agent("some-agent").split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("some-agent", "evil-agent");
        assertRejected(parts[0] + "." + b64(claims) + "." + parts[2]);
    }

    @Test
    void refusesWrongIssuer() {
        assertRejected(Jwt.issuer("https://evil.example").audience(Tokens.AUDIENCE).subject("a").groups("agent")
                .jws().keyId(Tokens.KID).sign());
    }

    @Test
    void refusesWrongAudience() {
        assertRejected(Jwt.issuer(Tokens.ISSUER).audience("another-service").subject("a").groups("agent")
                .jws().keyId(Tokens.KID).sign());
    }

    @Test
    void refusesExpiredToken() {
        Instant past = Instant.now().minusSeconds(3600);
        assertRejected(Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("a").groups("agent")
                .issuedAt(past).expiresAt(past.plusSeconds(600)).jws().keyId(Tokens.KID).sign());
    }

    @Test
    void refusesNotYetValidToken() {
        Instant now = Instant.now();
        assertRejected(Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("a").groups("agent")
                .issuedAt(now).claim("nbf", now.plusSeconds(3600).getEpochSecond()).expiresAt(now.plusSeconds(7200))
                .jws().keyId(Tokens.KID).sign());
    }

    @Test
    void refusesUnknownKeyId() {
        assertRejected(Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("a").groups("agent")
                .jws().keyId("unknown-kid").sign());
    }

    @Test
    void refusesTokenSignedByAnotherKeyUnderAKnownKeyId() throws Exception {
        assertRejected(Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("a").groups("agent")
                .jws().keyId(Tokens.KID).sign(otherKey()));
    }

    @Test
    void wrongRoleIsForbiddenNotUnauthorized() {
        given().auth().oauth2(Tokens.token("someone", Set.of("reviewer", "dba").toArray(String[]::new)))
                .when().get(URL)
                .then().statusCode(403).contentType("application/problem+json");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static PrivateKey otherKey() throws Exception {
        String pem = Files.readString(Path.of("src/test/resources/keys/other-private.pem"))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }
}
