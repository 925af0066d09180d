package io.countersign;

import static org.assertj.core.api.Assertions.assertThat;

import io.countersign.web.WebConfigAliases;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The refusal of a start without an identity provider, computed from the real
 * application.properties under each profile and the environment variables the operations guide
 * tells the operator to set (the packaged application's refusal itself: FirstStartIT).
 */
class RequiredSettingsTest {

    private static final Path KEYS = Path.of("src/test/resources/keys/dev-issuer-jwks.json").toAbsolutePath();

    /** What the operations guide's production checklist sets for the identity provider. */
    private static Map<String, String> documentedIdentityProvider() {
        Map<String, String> env = new HashMap<>();
        env.put("COUNTERSIGN_JWT_ISSUER", "https://idp.example.com/realms/company");
        env.put("COUNTERSIGN_JWT_KEYS", "file:" + KEYS);
        env.put("COUNTERSIGN_OIDC_ISSUER", "https://idp.example.com/realms/company");
        env.put("COUNTERSIGN_OIDC_CLIENT_SECRET", "client-secret-from-the-provider");
        return env;
    }

    private static SmallRyeConfig config(String profile, Map<String, String> env) throws Exception {
        return new SmallRyeConfigBuilder().withProfile(profile).addDefaultInterceptors()
                .withInterceptors(new WebConfigAliases())
                .withSources(new PropertiesConfigSource(Path.of("src/main/resources/application.properties").toUri().toURL(), 250))
                .withSources(new EnvConfigSource(env, 300))
                .build();
    }

    @Test
    void aProductionStartWithNothingConfiguredNamesEveryVariableAndTheChecklist() throws Exception {
        for (String profile : new String[] {"prod", "postgres"}) {
            String m = RequiredSettings.problem(config(profile, Map.of())).orElseThrow();
            assertThat(m.lines().findFirst().orElseThrow()).isEqualTo("Countersign cannot start until these settings are fixed: "
                    + "COUNTERSIGN_JWT_ISSUER, COUNTERSIGN_JWT_KEYS, COUNTERSIGN_OIDC_ISSUER, COUNTERSIGN_OIDC_CLIENT_SECRET "
                    + "(docs/operations.md#production-checklist).");
            assertThat(m).doesNotContain("mp.jwt").doesNotContain("quarkus.oidc");
        }
    }

    @Test
    void theOperationsGuideShowsTheRealMessageAndHasTheSectionItPointsTo() throws Exception {
        String doc = Files.readString(Path.of("docs/operations.md"));
        String m = RequiredSettings.problem(config("prod", Map.of())).orElseThrow();
        assertThat(doc).as("docs/operations.md, \"Running\", must show the message of a first start").contains("\n" + m + "\n");
        assertThat(doc).contains("\n## Production checklist\n");
    }

    @Test
    void theDevAndTestProfilesStartWithTheirFixtureIdentities() throws Exception {
        assertThat(RequiredSettings.problem(config("dev", Map.of()))).isEmpty();
        assertThat(RequiredSettings.problem(config("test", Map.of()))).isEmpty();
    }

    @Test
    void theVariablesTheChecklistSetsAreEnough() throws Exception {
        assertThat(RequiredSettings.problem(config("prod", documentedIdentityProvider()))).isEmpty();
    }

    @Test
    void onlyWhatIsStillMissingIsNamed() throws Exception {
        Map<String, String> env = documentedIdentityProvider();
        env.remove("COUNTERSIGN_OIDC_CLIENT_SECRET");
        env.put("COUNTERSIGN_JWT_KEYS", "file:/nonexistent/idp-keys.json");
        String m = RequiredSettings.problem(config("prod", env)).orElseThrow();
        assertThat(m).startsWith("Countersign cannot start until these settings are fixed: COUNTERSIGN_JWT_KEYS, "
                + "COUNTERSIGN_OIDC_CLIENT_SECRET (docs/operations.md#production-checklist).")
                .contains("\n  COUNTERSIGN_JWT_KEYS=file:/nonexistent/idp-keys.json cannot be read")
                .doesNotContain("COUNTERSIGN_JWT_ISSUER").doesNotContain("COUNTERSIGN_OIDC_ISSUER");
    }

    @Test
    void tokenSignInNeedsNoOpenIdProviderButRefusesOneBesideIt() throws Exception {
        Map<String, String> env = documentedIdentityProvider();
        env.remove("COUNTERSIGN_OIDC_ISSUER");
        env.remove("COUNTERSIGN_OIDC_CLIENT_SECRET");
        env.put("COUNTERSIGN_WEB_SIGN_IN", "token");
        assertThat(RequiredSettings.problem(config("prod", env))).isEmpty();
        env.put("COUNTERSIGN_OIDC_ISSUER", "https://idp.example.com/realms/company");
        env.put("QUARKUS_OIDC_TENANT_ENABLED", "true");
        Optional<String> both = RequiredSettings.problem(config("prod", env));
        assertThat(both).hasValueSatisfying(m -> assertThat(m).contains("people sign in one way only"));
    }
}
