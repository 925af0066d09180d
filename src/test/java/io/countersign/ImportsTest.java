package io.countersign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Main code names classes through imports, not inline fully qualified names
 * ({@code io.countersign.common.Violations v = new io.countersign.common.Violations()}), except
 * where the simple name is already taken in that file (two classes of one name).
 */
class ImportsTest {

    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.@])((?:io|java|javax|jakarta|org|com|net)\\.(?:[a-z_][a-z0-9_]*\\.)+)([A-Z]\\w*)");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+([\\w.]+)\\.(\\w+);", Pattern.MULTILINE);
    private static final Pattern DECLARED = Pattern.compile("\\b(?:class|interface|record|enum)\\s+([A-Z]\\w*)");

    @Test
    void mainCodeUsesImportsInsteadOfQualifiedNames() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                found.addAll(qualifiedNames(f));
            }
        }
        assertEquals(List.of(), found, "inline fully qualified names: import them instead");
    }

    private static List<String> qualifiedNames(Path file) throws IOException {
        String src = Files.readString(file, StandardCharsets.UTF_8);
        String code = codeOnly(src);
        Map<String, String> imported = new HashMap<>();
        for (Matcher m = IMPORT.matcher(src); m.find();) {
            imported.put(m.group(2), m.group(1) + "." + m.group(2));
        }
        Set<String> taken = new HashSet<>();
        for (Matcher m = DECLARED.matcher(code); m.find();) {
            taken.add(m.group(1));
        }
        try (Stream<Path> siblings = Files.list(file.getParent())) {
            siblings.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
                    .forEach(n -> taken.add(n.substring(0, n.length() - ".java".length())));
        }
        String pkg = file.getParent().toString().replace("src/main/java/", "").replace('/', '.');
        List<String> out = new ArrayList<>();
        for (Matcher m = QUALIFIED.matcher(code); m.find();) {
            String line = code.substring(code.lastIndexOf('\n', m.start()) + 1, m.start()).strip();
            String owner = m.group(1).substring(0, m.group(1).length() - 1);
            String name = m.group(2);
            String full = owner + "." + name;
            boolean clash = !owner.equals(pkg) && (taken.contains(name) || (imported.containsKey(name) && !imported.get(name).equals(full)));
            if (line.startsWith("import") || line.startsWith("package") || clash) {
                continue;
            }
            out.add(file + ": " + full);
        }
        return out;
    }

    /** {@code src} with comments, string, text-block and char literals blanked (line breaks kept). */
    static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src);
        int i = 0;
        int n = src.length();
        while (i < n) {
            int end;
            if (src.startsWith("//", i)) {
                end = src.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (src.startsWith("/*", i)) {
                end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
            } else if (src.charAt(i) == '"' || src.charAt(i) == '\'') {
                char q = src.charAt(i);
                end = i + 1;
                while (end < n && src.charAt(end) != q) {
                    end += src.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, n);
            } else {
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                if (out.charAt(k) != '\n') {
                    out.setCharAt(k, ' ');
                }
            }
            i = end;
        }
        return out.toString();
    }
}
