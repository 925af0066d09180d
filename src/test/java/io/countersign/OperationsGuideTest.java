package io.countersign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production checklist and the ports section of docs/operations.md name only settings that
 * exist: Countersign's keys against its {@code @ConfigMapping} interfaces and application.properties,
 * Quarkus's keys and variables against the configuration model each Quarkus extension ships
 * ({@code META-INF/quarkus-config-doc/quarkus-config-model.json}). A renamed key fails here, not at
 * an operator's first start.
 */
class OperationsGuideTest {

    /** A key, alone or as {@code key=value}, in an inline code span or at the start of a line of a code block. */
    private static final Pattern KEY = Pattern.compile("(?m)(?:`|^\\s*)((?:countersign|quarkus)\\.[a-z0-9\"<>_.-]*[a-z0-9\">])(?:`|=)");
    private static final Pattern VARIABLE = Pattern.compile("\\b(?:COUNTERSIGN|QUARKUS)_[A-Z0-9_]*[A-Z0-9]\\b");

    private static String doc;
    private static String properties;
    /** Countersign's keys; a segment {@code *} stands for any map key. */
    private static final Set<String> countersignKeys = new TreeSet<>();
    /** Quarkus's keys (map keys quoted, as the model writes them) and their variables. */
    private static final Set<String> quarkusKeys = new TreeSet<>();
    private static final Set<String> quarkusVariables = new TreeSet<>();

    @BeforeAll
    static void readTheGuideAndTheApplicationsSettings() throws Exception {
        doc = Files.readString(Path.of("docs/operations.md"));
        properties = Files.readString(Path.of("src/main/resources/application.properties"));
        for (JavaClass c : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.countersign")) {
            if (c.isAnnotatedWith(ConfigMapping.class)) {
                Class<?> mapping = c.reflect();
                collect(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping);
            }
        }
        properties.lines().map(String::strip).filter(l -> l.startsWith("countersign.") && l.contains("="))
                .forEach(l -> countersignKeys.add(l.substring(0, l.indexOf('=')).strip()));
        ObjectMapper json = new ObjectMapper();
        Iterator<URL> models = Collections.list(OperationsGuideTest.class.getClassLoader()
                .getResources("META-INF/quarkus-config-doc/quarkus-config-model.json")).iterator();
        assertThat(models.hasNext()).as("the Quarkus extensions' configuration models on the test class path").isTrue();
        while (models.hasNext()) {
            try (InputStream in = models.next().openStream()) {
                paths(json.readTree(in));
            }
        }
    }

    @Test
    void everySettingTheChecklistAndThePortsSectionNameExists() {
        List<String> unknown = new ArrayList<>();
        for (String section : List.of("## Production checklist", "### Ports and interfaces")) {
            String text = section(section);
            matches(KEY, text, 1).stream().filter(k -> !known(k)).forEach(k -> unknown.add(section + ": " + k));
            matches(VARIABLE, text).stream().filter(v -> !knownVariable(v)).forEach(v -> unknown.add(section + ": " + v));
        }
        assertThat(unknown).as("keys and variables of docs/operations.md that the application does not read").isEmpty();
    }

    @Test
    void theChecklistsIdentityProviderItemSetsEveryVariableTheRefusalNames() {
        String item = section("## Production checklist");
        item = item.substring(item.indexOf("1. **Identity provider**"), item.indexOf("2. **"));
        Matcher header = Pattern.compile("until these settings are fixed: ([A-Z_, ]+) \\(").matcher(doc);
        assertThat(header.find()).as("the refusal shown in \"Running\"").isTrue();
        Set<String> refused = Set.of(header.group(1).split(", "));
        Set<String> exported = matches(Pattern.compile("export ([A-Z_]+)="), item, 1);
        assertThat(exported).isEqualTo(refused);
    }

    @Test
    void theCheckIsNotFooledByAnUnknownName() {
        assertThat(known("countersign.release.keys.signing-key")).isTrue();
        assertThat(known("countersign.release.executors.\"db-migrator-svc\".audiences")).isTrue();
        assertThat(known("countersign.release.keys.signing-keys")).isFalse();
        assertThat(known("quarkus.management.host")).isTrue();
        assertThat(known("quarkus.management.hots")).isFalse();
        assertThat(knownVariable("COUNTERSIGN_AUDIT_GENERATE_KEY")).isTrue();
        assertThat(knownVariable("COUNTERSIGN_AUDIT_GENERATE_KEYS")).isFalse();
        assertThat(knownVariable("QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED")).isTrue();
        assertThat(knownVariable("QUARKUS_HTTP_PROXY_ALLOW_X_FORWARD")).isFalse();
    }

    // ------------------------------------------------------------------ what the application reads

    private static void collect(String prefix, Class<?> mapping) {
        for (Method m : mapping.getMethods()) {
            if (m.getParameterCount() > 0 || m.isDefault() || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String name = m.isAnnotationPresent(WithParentName.class) ? prefix
                    : prefix + "." + (m.isAnnotationPresent(WithName.class) ? m.getAnnotation(WithName.class).value()
                            : kebab(m.getName()));
            collectType(name, m.getGenericReturnType());
        }
    }

    private static void collectType(String name, Type type) {
        Class<?> raw = raw(type);
        if (raw == Optional.class) {
            collectType(name, ((ParameterizedType) type).getActualTypeArguments()[0]);
        } else if (raw == Map.class) {
            collectType(name + ".*", ((ParameterizedType) type).getActualTypeArguments()[1]);
        } else if (raw.isInterface() && raw.getName().startsWith("io.countersign.")) {
            collect(name, raw);
        } else {
            countersignKeys.add(name);
        }
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static void paths(JsonNode node) {
        if (node.isObject()) {
            if (node.hasNonNull("property") && node.hasNonNull("environmentVariable")) {
                quarkusKeys.add(node.get("property").asText());
                quarkusVariables.add(node.get("environmentVariable").asText());
            }
            node.elements().forEachRemaining(OperationsGuideTest::paths);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(OperationsGuideTest::paths);
        }
    }

    // ------------------------------------------------------------------ matching the guide's names

    private static boolean known(String key) {
        String[] segments = segments(key);
        Set<String> candidates = key.startsWith("quarkus.") ? quarkusKeys : countersignKeys;
        return candidates.stream().map(OperationsGuideTest::segments).anyMatch(k -> sameShape(segments, k));
    }

    /** Splits a key at dots outside quotes; a quoted or {@code <placeholder>} segment is a map key. */
    private static String[] segments(String key) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        boolean quoted = false;
        for (char c : key.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == '.' && !quoted) {
                out.add(b.toString());
                b.setLength(0);
            } else {
                b.append(c);
            }
        }
        out.add(b.toString());
        return out.stream().map(s -> s.startsWith("\"") || s.startsWith("<") ? "*" : s).toArray(String[]::new);
    }

    private static boolean sameShape(String[] doc, String[] known) {
        if (doc.length != known.length) {
            return false;
        }
        for (int i = 0; i < doc.length; i++) {
            boolean mapKey = known[i].equals("*");
            if (!(mapKey || doc[i].equals(known[i]))) {
                return false;
            }
        }
        return true;
    }

    private static boolean knownVariable(String variable) {
        if (variable.startsWith("QUARKUS_")) {
            return quarkusVariables.contains(variable);
        }
        return properties.contains("${" + variable + ":") || properties.contains("${" + variable + "}")
                || countersignKeys.stream().filter(k -> !k.contains("*")).map(OperationsGuideTest::variableOf)
                        .anyMatch(variable::equals);
    }

    /** The environment variable of a key (SmallRye Config: every character but letters and digits becomes _). */
    private static String variableOf(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    private static String section(String heading) {
        int start = doc.indexOf("\n" + heading + "\n");
        assertThat(start).as("docs/operations.md has a section %s", heading).isNotNegative();
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        int end = doc.indexOf("\n" + level, start + heading.length() + 2);
        int parentEnd = level.length() > 3 ? doc.indexOf("\n## ", start + heading.length() + 2) : -1;
        if (parentEnd >= 0 && (end < 0 || parentEnd < end)) {
            end = parentEnd;
        }
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    private static Set<String> matches(Pattern p, String text) {
        return matches(p, text, 0);
    }

    private static Set<String> matches(Pattern p, String text, int group) {
        Matcher m = p.matcher(text);
        Set<String> found = new TreeSet<>();
        while (m.find()) {
            found.add(m.group(group));
        }
        return found;
    }
}
