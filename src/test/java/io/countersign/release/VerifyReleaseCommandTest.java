package io.countersign.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.release.ReleaseKeyMaterial.LoadedKey;
import io.countersign.release.verify.VerifyReleaseCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyReleaseCommandTest {

    private static final String PAYLOAD = "{\"amount\": 2500.00, \"currency\": \"EUR\", \"to\": \"DE89370400440532013000\"}";
    private static final LoadedKey KEY = ReleaseKeyMaterial.generate();

    @TempDir
    Path dir;

    private Path jwks;
    private Path payload;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void files() throws Exception {
        jwks = Files.writeString(dir.resolve("jwks.json"), TestReleases.jwksJson(KEY));
        payload = Files.writeString(dir.resolve("payment.json"), PAYLOAD);
    }

    private static Map<String, Object> claims(Instant iat, Instant exp) {
        return TestReleases.claims("payment-service", ReleaseFixtures.digest(PAYLOAD), iat, exp);
    }

    private static String token(Map<String, Object> header, Map<String, Object> claims) {
        return TestReleases.sign(KEY, header, claims);
    }

    private static String goodToken() {
        return token(TestReleases.header(KEY.kid()), claims(Instant.now(), Instant.now().plusSeconds(600)));
    }

    private int run(String... args) {
        return VerifyReleaseCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private int verify(String token, Path payloadFile, String audience) {
        return run("--token", token, "--payload", payloadFile.toString(), "--jwks", jwks.toString(), "--audience", audience);
    }

    @Test
    void exitsZeroAndPrintsTheClaimsForAGenuineRelease() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), goodToken() + "\n");
        assertEquals(0, run("--token-file", tokenFile.toString(), "--payload", payload.toString(), "--jwks", jwks.toString(),
                "--audience", "payment-service", "--issuer", "countersign"));
        String json = out.toString(StandardCharsets.UTF_8);
        assertTrue(json.contains("\"payload_sha256\" : \"" + ReleaseFixtures.digest(PAYLOAD) + "\""), json);
        assertTrue(stderr().contains("OK release"), stderr());
    }

    @Test
    void readsThePayloadFromStandardInput() {
        String token = goodToken();
        int code = VerifyReleaseCommand.run(new String[] {"--token", token, "--payload", "-", "--jwks", jwks.toString(),
            "--audience", "payment-service"}, new ByteArrayInputStream("{\"currency\":\"EUR\",\"to\":\"DE89370400440532013000\",\"amount\":2500}"
                    .getBytes(StandardCharsets.UTF_8)), new PrintStream(out), new PrintStream(err));
        assertEquals(0, code, stderr());
    }

    @Test
    void exitsTwoOnUsageErrors() {
        assertEquals(2, run());
        assertTrue(stderr().contains("usage: verify-release"));
        assertEquals(2, run("--token", "t", "--payload", payload.toString(), "--jwks", jwks.toString()));
        assertTrue(stderr().contains("--audience is required"), stderr());
        assertEquals(2, run("--token", "t", "--token-file", "f", "--payload", "p", "--jwks", "j", "--audience", "a"));
        assertEquals(2, run("--bogus", "x"));
        assertEquals(2, run("--token"));
        assertEquals(2, run("--token", "t", "--payload", "p", "--jwks", "j", "--audience", "a", "--clock-skew", "soon"));
    }

    @Test
    void exitsThreeOnBadSignatureOrUnknownKid() {
        String t = goodToken();
        String tampered = t.substring(0, t.length() - 4) + (t.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertEquals(3, verify(tampered, payload, "payment-service"));
        assertTrue(stderr().contains("BAD_SIGNATURE"), stderr());
        LoadedKey stranger = ReleaseKeyMaterial.generate();
        assertEquals(3, verify(TestReleases.sign(stranger, TestReleases.header(stranger.kid()), claims(Instant.now(),
                Instant.now().plusSeconds(600))), payload, "payment-service"));
        assertEquals(3, verify("garbage", payload, "payment-service"));
    }

    @Test
    void exitsFourOnWrongTypOrAlg() {
        Map<String, Object> header = TestReleases.header(KEY.kid());
        header.put("typ", "JWT");
        assertEquals(4, verify(token(header, claims(Instant.now(), Instant.now().plusSeconds(600))), payload, "payment-service"));
        header = TestReleases.header(KEY.kid());
        header.put("alg", "none");
        assertEquals(4, verify(CompactJws.part(header) + "." + CompactJws.part(claims(Instant.now(), Instant.now().plusSeconds(600))) + ".",
                payload, "payment-service"));
    }

    @Test
    void exitsFiveOnWrongAudience() {
        assertEquals(5, verify(goodToken(), payload, "db-migrator"));
        assertTrue(stderr().contains("AUDIENCE"), stderr());
    }

    @Test
    void exitsSixWhenExpired() {
        assertEquals(6, verify(token(TestReleases.header(KEY.kid()), claims(Instant.now().minusSeconds(1200), Instant.now().minusSeconds(600))),
                payload, "payment-service"));
        assertTrue(stderr().contains("expired"), stderr());
    }

    @Test
    void exitsSevenWhenThePayloadChanged() throws Exception {
        Path changed = Files.writeString(dir.resolve("changed.json"), PAYLOAD.replace("2500.00", "25000.00"));
        assertEquals(7, verify(goodToken(), changed, "payment-service"));
        assertTrue(stderr().contains("differs from the approved one"), stderr());
    }

    @Test
    void exitsEightWhenInputsCannotBeRead() throws Exception {
        assertEquals(8, verify(goodToken(), dir.resolve("missing.json"), "payment-service"));
        Path notJson = Files.writeString(dir.resolve("bad.json"), "{amount: 1}");
        assertEquals(8, verify(goodToken(), notJson, "payment-service"));
        assertEquals(8, run("--token", goodToken(), "--payload", payload.toString(), "--jwks", dir.resolve("nope.json").toString(),
                "--audience", "payment-service"));
        Path brokenJwks = Files.writeString(dir.resolve("broken-jwks.json"), "[]");
        assertEquals(8, run("--token", goodToken(), "--payload", payload.toString(), "--jwks", brokenJwks.toString(),
                "--audience", "payment-service"));
        // Nothing listens on port 9 of the loopback interface.
        assertEquals(8, run("--token", goodToken(), "--payload", payload.toString(), "--jwks", "http://127.0.0.1:9/.well-known/jwks.json",
                "--audience", "payment-service"));
        assertTrue(stderr().contains("cannot fetch JWKS"), stderr());
    }
}
