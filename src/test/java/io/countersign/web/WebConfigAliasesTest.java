package io.countersign.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The session settings' first names ({@code countersign.inbox.*}) keep working beside their
 * {@code countersign.web.*} names, on a SmallRye Config built like the application's (profiles,
 * unknown names under a mapped prefix refused). WebSessionTest checks the same in Quarkus.
 */
class WebConfigAliasesTest {

    /** Stands in for the inbox's own mapping, which shares the old names' prefix. */
    @ConfigMapping(prefix = "countersign.inbox")
    public interface InboxSettings {
        @WithDefault("25")
        int pageSize();
    }

    private static SmallRyeConfig config(Map<String, String> file, Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withInterceptors(new WebConfigAliases())
                .withProfile("test")
                .withSources(new PropertiesConfigSource(file, "application.properties", 250))
                .withSources(new EnvConfigSource(environment, 300))
                .withMapping(WebConfig.class)
                .withMapping(InboxSettings.class)
                .withValidateUnknown(true)
                .build();
    }

    private static WebConfig web(Map<String, String> file) {
        return config(file, Map.of()).getConfigMapping(WebConfig.class);
    }

    @Test
    void tokenSignInTurnsQuarkusOidcOffUnlessSomethingSetsIt() {
        java.util.function.Function<SmallRyeConfig, java.util.Optional<Boolean>> enabled =
                c -> c.getOptionalValue("quarkus.oidc.tenant-enabled", Boolean.class);
        assertEquals(java.util.Optional.of(false), enabled.apply(config(Map.of("countersign.web.sign-in", "token"), Map.of())));
        assertEquals(java.util.Optional.of(false), enabled.apply(config(Map.of("%test.countersign.web.sign-in", "token"), Map.of())));
        assertEquals(java.util.Optional.empty(), enabled.apply(config(Map.of("countersign.web.sign-in", "oidc"), Map.of())));
        assertEquals(java.util.Optional.empty(), enabled.apply(config(Map.of(), Map.of())));
        assertEquals(java.util.Optional.of(true), enabled.apply(config(Map.of("countersign.web.sign-in", "token"),
                Map.of("QUARKUS_OIDC_TENANT_ENABLED", "true"))));
    }

    @Test
    void withNothingSetTheDefaultsApply() {
        WebConfig web = web(Map.of());
        assertEquals("countersign_session", web.sessionCookie());
        assertEquals("countersign_csrf", web.csrfCookie());
        assertTrue(web.secureCookies());
    }

    @Test
    void theOldNamesSetTheNewSettings() {
        WebConfig web = web(Map.of("countersign.inbox.session-cookie", "old_session",
                "countersign.inbox.csrf-cookie", "old_csrf", "countersign.inbox.secure-cookies", "false"));
        assertEquals("old_session", web.sessionCookie());
        assertEquals("old_csrf", web.csrfCookie());
        assertFalse(web.secureCookies());
    }

    @Test
    void anOldNameWorksInAProfile() {
        assertFalse(web(Map.of("%test.countersign.inbox.secure-cookies", "false")).secureCookies());
        assertTrue(web(Map.of("%prod.countersign.inbox.secure-cookies", "false")).secureCookies());
    }

    @Test
    void theNewNameWinsInTheSameSourceAndAnOldEnvironmentVariableOverTheFile() {
        assertEquals("new_session", web(Map.of("countersign.web.session-cookie", "new_session",
                "countersign.inbox.session-cookie", "old_session")).sessionCookie());
        WebConfig web = config(Map.of("countersign.web.session-cookie", "new_session"),
                Map.of("COUNTERSIGN_INBOX_SESSION_COOKIE", "from_environment")).getConfigMapping(WebConfig.class);
        assertEquals("from_environment", web.sessionCookie());
    }

    @Test
    void theOldNamesAreNotUnknownButOtherNamesUnderThePrefixStillAre() {
        SmallRyeConfig config = config(Map.of("countersign.inbox.secure-cookies", "false",
                "countersign.inbox.page-size", "10"), Map.of());
        assertEquals(10, config.getConfigMapping(InboxSettings.class).pageSize());
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> config(Map.of("countersign.inbox.no-such-setting", "x"), Map.of()));
        assertTrue(messages(e).contains("countersign.inbox.no-such-setting"), messages(e));
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
