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

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
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
