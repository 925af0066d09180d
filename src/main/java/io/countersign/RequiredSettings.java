package io.countersign;

import io.countersign.identity.JwtKeySource;
import io.countersign.web.OidcPeople;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.vertx.VertxOptionsCustomizer;
import io.vertx.core.VertxOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses to start, with one message that names every setting still to fix and the production
 * checklist, when Countersign has no identity provider to trust: the issuer and keys of bearer
 * tokens, and the OpenID Connect provider people sign in with. Nothing is made up in their place
 * (a gateway that trusted a generated identity provider would approve for nobody in particular);
 * the dev and test profiles set fixture values, so they start.
 * <p>
 * Why a {@link VertxOptionsCustomizer}: Quarkus calls it when it creates Vert.x, the earliest point
 * at which application code runs with the runtime configuration and logging in place, and before
 * quarkus-oidc (which stops with its own message about {@code quarkus.oidc.auth-server-url}),
 * Flyway (which would migrate the database first) and SmallRye JWT start. A check while the
 * configuration is being built (a config source interceptor or factory) would come out wrapped in
 * "Configuration validation failed" after the buffered start-up log, or miss the files of
 * {@code quarkus.config.locations}. Dev mode keeps Vert.x across live reloads, so the same check
 * runs again at {@link StartupEvent}.
 */
@ApplicationScoped
public class RequiredSettings implements VertxOptionsCustomizer {

    /** Where the operator reads what each setting means (docs/operations.md). */
    static final String CHECKLIST = "docs/operations.md#production-checklist";

    @Override
    public void accept(VertxOptions options) {
        refuseUnlessComplete();
    }

    void recheck(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        refuseUnlessComplete();
    }

    private static void refuseUnlessComplete() {
        Optional<String> problem = problem(ConfigProvider.getConfig());
        if (problem.isPresent()) {
            throw new ConfigurationException(problem.get());
        }
    }

    /** The refusal for these settings, or empty when Countersign can start with them. */
    static Optional<String> problem(Config config) {
        List<String> problems = new ArrayList<>(JwtKeySource.settingProblems(
                config.getOptionalValue("mp.jwt.verify.publickey.location", String.class).orElse(null),
                config.getOptionalValue("mp.jwt.verify.issuer", String.class).orElse(null)));
        problems.addAll(OidcPeople.settingProblems(config));
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = problems.stream().map(RequiredSettings::variable).distinct().toList();
        StringBuilder m = new StringBuilder("Countersign cannot start until ")
                .append(names.size() == 1 ? "this setting is" : "these settings are").append(" fixed: ")
                .append(String.join(", ", names)).append(" (").append(CHECKLIST).append(").");
        problems.forEach(p -> m.append("\n  ").append(p));
        m.append("\nTo try Countersign without an identity provider, run `.mvn/mvnw quarkus:dev` (README.md).");
        return Optional.of(m.toString());
    }

    /** The variable a problem is about: its first word, up to a space or an equals sign. */
    private static String variable(String problem) {
        int end = problem.length();
        for (char c : new char[] {' ', '='}) {
            int i = problem.indexOf(c);
            if (i > 0 && i < end) {
                end = i;
            }
        }
        return problem.substring(0, end);
    }
}
