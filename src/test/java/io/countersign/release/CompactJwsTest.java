package io.countersign.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import io.countersign.release.ReleaseKeyMaterial.LoadedKey;
import io.countersign.release.verify.JwksSource;
import io.countersign.release.verify.ReleaseVerification;
import io.countersign.release.verify.ReleaseVerifier;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens keep their exact header and claims bytes, and both Nimbus and the executors' verifier accept them. */
class CompactJwsTest {

    private static final LoadedKey KEY = ReleaseKeyMaterial.generate();

    @Test
    void headerAndClaimsAreTheGivenJsonInTheGivenOrder() {
        Map<String, Object> header = TestReleases.header("k1");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "countersign");
        claims.put("sub", "agent-7");
        claims.put("aud", "db-migrator");
        claims.put("iat", 1700000000L);
        claims.put("exp", 1700000600L);
        claims.put("approvers", List.of("dba-dora"));
        claims.put("audit_seq", 42L);
        String[] parts = CompactJws.sign(header, claims, KEY.privateKey()).split("\\.", -1);
        // base64url of the JSON texts, computed outside Java: the bytes releases have always carried.
        assertEquals("eyJhbGciOiJFUzI1NiIsInR5cCI6ImNvdW50ZXJzaWduLXJlbGVhc2Urand0Iiwia2lkIjoiazEifQ", parts[0]);
        assertEquals("eyJpc3MiOiJjb3VudGVyc2lnbiIsInN1YiI6ImFnZW50LTciLCJhdWQiOiJkYi1taWdyYXRvciIsImlhdCI6MTcw"
                + "MDAwMDAwMCwiZXhwIjoxNzAwMDAwNjAwLCJhcHByb3ZlcnMiOlsiZGJhLWRvcmEiXSwiYXVkaXRfc2VxIjo0Mn0", parts[1]);
        assertEquals(64, Base64.getUrlDecoder().decode(parts[2]).length, "ES256 signatures are raw r || s (RFC 7518 3.4)");
    }

    @Test
    void aSignedReleaseVerifiesWithNimbusAndWithTheExecutorVerifier() throws Exception {
        Instant now = Instant.now();
        String token = TestReleases.sign(KEY, TestReleases.header(KEY.kid()),
                TestReleases.claims("db-migrator", "0".repeat(64), now, now.plusSeconds(600)));

        assertTrue(JWSObject.parse(token).verify(new ECDSAVerifier(KEY.publicKey())));
        ReleaseVerification v = new ReleaseVerifier(JwksSource.ofJson(TestReleases.jwksJson(KEY))).verifyAuthenticity(token);
        assertTrue(v.ok(), v.message());
        assertEquals(KEY.kid(), v.claims().keyId());
    }
}
