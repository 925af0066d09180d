package io.countersign.notification;

import io.countersign.testsupport.GreenMailServer;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Notifications configured with the routing example of docs/notifications.md (read from the page,
 * so the documented block is the one that runs), mail through a real SMTP server (GreenMail), Teams
 * and webhook routes to protocol-level fakes ({@link ChatFakes}), and
 * a policy whose production restarts escalate and expire within seconds.
 */
public class NotificationsProfile implements QuarkusTestProfile {

    static final String BASE_URL = "https://countersign.test.example";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(documentedRouting());
        // the documented ${...} values (channel URLs, secrets) are what the fakes supply
        Set<String> fromEnvironment = new TreeSet<>();
        config.entrySet().removeIf(e -> e.getValue().startsWith("${") && fromEnvironment.add(e.getKey()));
        if (!fromEnvironment.equals(new TreeSet<>(ChatFakes.ROUTE_KEYS))) {
            throw new IllegalStateException("docs/notifications.md takes " + fromEnvironment
                    + " from the environment, the fakes supply " + ChatFakes.ROUTE_KEYS);
        }
        config.put("countersign.notifications.base-url", BASE_URL);
        // digests after seconds, not minutes, so the flood test sees them (5 asks per recipient and window)
        config.put("countersign.notifications.digest.window", "15s");
        config.put("countersign.policy.file", Path.of("src/test/resources/notify/notify-policy.yaml").toAbsolutePath()
                .toString());
        return config;
    }

    /** The properties block under "## Routing" in docs/notifications.md. */
    static Map<String, String> documentedRouting() {
        String doc;
        try {
            doc = Files.readString(Path.of("docs/notifications.md"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String section = doc.substring(doc.indexOf("## Routing"));
        int start = section.indexOf("```properties\n") + "```properties\n".length();
        Map<String, String> out = new HashMap<>();
        for (String line : section.substring(start, section.indexOf("```", start)).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.put(line.substring(0, line.indexOf('=')).strip(), line.substring(line.indexOf('=') + 1).strip());
            }
        }
        if (!out.containsKey("countersign.notifications.routes.dba.email")) {
            throw new IllegalStateException("docs/notifications.md lost its routing example: " + out);
        }
        return out;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GreenMailServer.class), new TestResourceEntry(ChatFakes.class));
    }
}
