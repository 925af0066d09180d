package io.countersign.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What JwtKeySource finds wrong with the identity provider's issuer and key location (RequiredSettings refuses the start with it). */
class JwtKeySourceTest {

    private static final String ISSUER = "https://idp.example.com";
    private static final String DEV_JWKS = "src/test/resources/keys/dev-issuer-jwks.json";

    @Test
    void nothingConfiguredNamesBothVariablesNotSmallRyesKeys() {
        List<String> problems = JwtKeySource.settingProblems(JwtKeySource.UNSET, JwtKeySource.PLACEHOLDER_ISSUER);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("COUNTERSIGN_JWT_ISSUER is not set"), problems.get(0));
        assertTrue(problems.get(1).startsWith("COUNTERSIGN_JWT_KEYS is not set"), problems.get(1));
        assertTrue(problems.stream().noneMatch(p -> p.contains("mp.jwt")), "the variables, not SmallRye's keys: " + problems);
    }

    @Test
    void anUnreadableKeyFileStopsTheStartNamingTheVariable() throws Exception {
        List<String> problems = JwtKeySource.settingProblems("file:/nonexistent", ISSUER);
        assertEquals(List.of("COUNTERSIGN_JWT_KEYS=file:/nonexistent cannot be read: no such file or classpath resource, "
                + "or it is empty"), problems);
        assertTrue(Files.readString(Path.of("docs/operations.md")).contains("\n  " + problems.get(0) + "\n"),
                "docs/operations.md, \"Identity provider\", shows this line");
        String m = String.join("", JwtKeySource.settingProblems("classpath:keys/no-such-keys.json", ISSUER));
        assertTrue(m.startsWith("COUNTERSIGN_JWT_KEYS=classpath:keys/no-such-keys.json cannot be read"), m);
    }

    @Test
    void aFileWithoutAKeyStopsTheStart(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("keys.json"), "{\"not\":\"a key\"}");
        String m = String.join("", JwtKeySource.settingProblems("file:" + garbage, ISSUER));
        assertTrue(m.contains("holds no public key"), m);
    }

    @Test
    void aReadableJwksOrPemFileStarts() {
        assertEquals(List.of(), JwtKeySource.settingProblems("file:" + Path.of(DEV_JWKS).toAbsolutePath(), ISSUER));
        assertEquals(List.of(), JwtKeySource.settingProblems("keys/dev-issuer-jwks.json", ISSUER));
        assertEquals(List.of(), JwtKeySource.settingProblems(
                "file:" + Path.of("src/test/resources/keys/dev-issuer-public.pem").toAbsolutePath(), ISSUER));
    }

    @Test
    void aJwksUrlIsNotFetchedAtStartUp() {
        // Nothing listens on port 1: the start goes on, readiness reports the outage (JwksOutageTest).
        assertEquals(List.of(), JwtKeySource.settingProblems("https://127.0.0.1:1/jwks.json", ISSUER));
    }
}
