package io.countersign.engine.camunda;

import io.countersign.engine.BpmnResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Finds the BPMN models packaged on the classpath (the project's {@code bpmn/} folder). */
final class BpmnClasspathResources {

    private BpmnClasspathResources() {
    }

    /**
     * The explicit resources when given, else every {@code *.bpmn} directly under the classpath
     * directory (exploded or in a jar), sorted by name so each start-up deploys the same set.
     */
    static List<BpmnResource> load(ClassLoader loader, String directory, Optional<List<String>> explicit) {
        TreeSet<String> names = new TreeSet<>();
        if (explicit.isPresent() && !explicit.get().isEmpty()) {
            names.addAll(explicit.get());
        } else {
            names.addAll(list(loader, directory));
        }
        List<BpmnResource> resources = new ArrayList<>();
        for (String name : names) {
            try (InputStream in = loader.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("BPMN resource not on the classpath: " + name);
                }
                resources.add(new BpmnResource(name.substring(name.lastIndexOf('/') + 1), in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return resources;
    }

    private static List<String> list(ClassLoader loader, String directory) {
        String dir = directory.endsWith("/") ? directory.substring(0, directory.length() - 1) : directory;
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> urls = loader.getResources(dir);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                if ("file".equals(url.getProtocol())) {
                    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                        files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bpmn"))
                                .forEach(n -> names.add(dir + "/" + n));
                    }
                } else if ("jar".equals(url.getProtocol())) {
                    JarURLConnection connection = (JarURLConnection) url.openConnection();
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        jar.stream().map(e -> e.getName())
                                .filter(n -> n.startsWith(dir + "/") && n.endsWith(".bpmn")
                                        && n.indexOf('/', dir.length() + 1) < 0)
                                .forEach(names::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
