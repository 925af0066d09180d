package io.countersign.web;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.io.Serial;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Accepts the session settings under the names they had while only the inbox used them
 * ({@code countersign.inbox.session-cookie}, {@code .csrf-cookie}, {@code .secure-cookies}). A value
 * set under an old name is the new name's value unless the new name is set in a source of equal
 * or higher ordinal; the old names are listed under the new ones, so the inbox's own mapping
 * ({@code countersign.inbox.*}) does not refuse them as unknown. Registered through
 * META-INF/services/io.smallrye.config.ConfigSourceInterceptor; it runs before the profile
 * interceptor, so {@code %dev.countersign.inbox.secure-cookies} works too.
 * <p>
 * It also derives {@code quarkus.oidc.tenant-enabled} from {@code countersign.web.sign-in} when
 * nothing sets it: false for {@code token}, so that one setting says how people sign in.
 */
@Priority(Priorities.LIBRARY + 600)
public class WebConfigAliases implements ConfigSourceInterceptor {

    @Serial
    private static final long serialVersionUID = 1L;

    /** New name → old name. */
    static final Map<String, String> OLD_NAMES = Map.of(
            "countersign.web.session-cookie", "countersign.inbox.session-cookie",
            "countersign.web.csrf-cookie", "countersign.inbox.csrf-cookie",
            "countersign.web.secure-cookies", "countersign.inbox.secure-cookies");

    private static final Map<String, String> NEW_NAMES = OLD_NAMES.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    static final String OIDC_TENANT_ENABLED = "quarkus.oidc.tenant-enabled";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (OIDC_TENANT_ENABLED.equals(name)) {
            // Unless a source of at least the sign-in setting's rank sets it (quarkus-oidc's own
            // default, "true", ranks lowest of all).
            ConfigValue signIn = context.proceed("countersign.web.sign-in");
            if (signIn != null && "token".equalsIgnoreCase(signIn.getValue().strip())
                    && (value == null || value.getConfigSourceOrdinal() < signIn.getConfigSourceOrdinal())) {
                return signIn.from().withName(name).withValue("false").withRawValue("false").build();
            }
            return value;
        }
        String oldName = OLD_NAMES.get(name);
        if (oldName == null) {
            return value;
        }
        ConfigValue old = context.proceed(oldName);
        if (old == null || value != null && ConfigValue.CONFIG_SOURCE_COMPARATOR.compare(value, old) >= 0) {
            return value; // a mapping default has the lowest ordinal, so any old value set anywhere beats it
        }
        return old.withName(name);
    }

    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new LinkedHashSet<>();
        context.iterateNames().forEachRemaining(n -> names.add(NEW_NAMES.getOrDefault(n, n)));
        return names.iterator();
    }
}
