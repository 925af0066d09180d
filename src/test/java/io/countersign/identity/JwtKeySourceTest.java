package io.countersign.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check of the identity provider's key location (the code JwtKeySource runs at StartupEvent). */
class JwtKeySourceTest {

    private static final String ISSUER = "https://idp.example.com";
    private static final String DEV_JWKS = "src/test/resources/keys/dev-issuer-jwks.json";

    /** The packaged app's (prod profile's) values of a key, read from the real application.properties. */
    private static String prodValue(String key) throws Exception {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withProfile("prod").addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(Path.of("src/main/resources/application.properties").toUri().toURL(),
                        250))
                .build();
        return config.getValue(key, String.class);
    }

    @Test
    void nothingConfiguredStopsTheStartWithOneMessageNamingBothVariablesAndTheDocs() throws Exception {
        Optional<String> problem = JwtKeySource.startupProblem(prodValue("mp.jwt.verify.publickey.location"),
                prodValue("mp.jwt.verify.issuer"));
        assertTrue(problem.isPresent());
        String m = problem.get();
        assertTrue(m.contains("COUNTERSIGN_JWT_KEYS is not set"), m);
        assertTrue(m.contains("COUNTERSIGN_JWT_ISSUER is not set"), m);
        assertTrue(m.contains("docs/operations.md"), m);
        assertTrue(!m.contains("mp.jwt"), "the message names the variables, not SmallRye's keys: " + m);
    }

    @Test
    void anUnreadableKeyFileStopsTheStartNamingTheVariable() {
        String m = JwtKeySource.startupProblem("file:/nonexistent", ISSUER).orElseThrow();
        assertTrue(m.contains("COUNTERSIGN_JWT_KEYS=file:/nonexistent cannot be read"), m);
        assertTrue(m.contains("docs/operations.md"), m);
        assertTrue(!m.contains("COUNTERSIGN_JWT_ISSUER"), m);
        m = JwtKeySource.startupProblem("classpath:keys/no-such-keys.json", ISSUER).orElseThrow();
        assertTrue(m.contains("COUNTERSIGN_JWT_KEYS=classpath:keys/no-such-keys.json cannot be read"), m);
    }

    @Test
    void theMessageShownInTheOperationsGuideIsTheRealOne() throws Exception {
        String m = JwtKeySource.startupProblem("file:/nonexistent", ISSUER).orElseThrow();
        assertTrue(Files.readString(Path.of("docs/operations.md")).contains("\n" + m + "\n"),
                "docs/operations.md, \"Identity provider\", must show: " + m);
    }

    @Test
    void aFileWithoutAKeyStopsTheStart(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("keys.json"), "{\"not\":\"a key\"}");
        String m = JwtKeySource.startupProblem("file:" + garbage, ISSUER).orElseThrow();
        assertTrue(m.contains("holds no public key"), m);
    }

    @Test
    void aReadableJwksOrPemFileStarts() {
        assertEquals(Optional.empty(), JwtKeySource.startupProblem("file:" + Path.of(DEV_JWKS).toAbsolutePath(), ISSUER));
        assertEquals(Optional.empty(), JwtKeySource.startupProblem("keys/dev-issuer-jwks.json", ISSUER));
        assertEquals(Optional.empty(), JwtKeySource.startupProblem(
                "file:" + Path.of("src/test/resources/keys/dev-issuer-public.pem").toAbsolutePath(), ISSUER));
    }

    @Test
    void aJwksUrlIsNotFetchedAtStartUp() {
        // Nothing listens on port 1: the start goes on, readiness reports the outage (JwksOutageTest).
        assertEquals(Optional.empty(), JwtKeySource.startupProblem("https://127.0.0.1:1/jwks.json", ISSUER));
    }

    @Test
    void theStartupObserverRefusesWithAConfigurationError() {
        JwtKeySource source = new JwtKeySource();
        source.location = "file:/nonexistent";
        source.issuer = ISSUER;
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> source.check(null));
        assertTrue(e.getMessage().startsWith("Countersign cannot verify bearer tokens: COUNTERSIGN_JWT_KEYS="),
                e.getMessage());
    }
}
