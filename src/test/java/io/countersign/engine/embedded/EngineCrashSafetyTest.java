package io.countersign.engine.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Kills a JVM running the embedded engine under load with SIGKILL at 20 random moments, then
 * drains and checks: no started instance lost, none advanced twice, all finish (none stuck).
 * Runs in the PostgreSQL run. On H2 it runs only with {@code -Dcountersign.test.crash-on-h2=true}:
 * H2's MVStore does not survive SIGKILL reliably (after a restart it raised internal errors 90112
 * and 90143, "row not found in primary index", which no SQL statement can cause; twice in two
 * full runs on 2026-12-01/02 on a 2-core VM), so the H2 variant tests H2, not the engine
 * (docs/engine.md, "Crash safety").
 */
class EngineCrashSafetyTest {

    private static final int KILLS = 20;
    private static final Path HARNESS_LOG = Path.of("target", "crash-harness-stderr.log");

    @Test
    void survivesRepeatedSigkillWithoutLosingOrDuplicatingWork() throws Exception {
        String pgUrl = System.getProperty("countersign.test.pg-url");
        assumeTrue(pgUrl != null || Boolean.getBoolean("countersign.test.crash-on-h2"), "H2 does not survive SIGKILL "
                + "reliably (internal errors 90112/90143 after restart, docs/engine.md); the PostgreSQL run covers the engine's "
                + "crash safety. Run it on H2 with -Dcountersign.test.crash-on-h2=true");
        String url;
        String user;
        if (pgUrl != null) {
            String db = "countersign_engine_crash";
            String admin = pgUrl.substring(0, pgUrl.lastIndexOf('/') + 1) + "postgres";
            user = System.getProperty("countersign.test.pg-user", "postgres");
            try (Connection c = CrashHarnessMain.dataSource(admin, user).getConnection();
                    Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + db);
                st.execute("CREATE DATABASE " + db);
            }
            url = pgUrl.substring(0, pgUrl.lastIndexOf('/') + 1) + db;
        } else {
            Path dir = Files.createTempDirectory(Path.of("target"), "crash-h2-");
            url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("engine") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;AUTO_SERVER=TRUE;WRITE_DELAY=0";
            user = "sa";
        }
        Set<Long> started = ConcurrentHashMap.newKeySet();
        Random random = new Random();
        for (int i = 0; i < KILLS; i++) {
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
            Process p = launch(url, user, false, started, ready);
            // Every other kill may land during start-up and recovery; the rest land under load. The
            // first start always completes: it creates the schema, and H2 cannot roll back DDL, so a
            // kill inside the first Flyway migration leaves a half-created schema that no restart
            // can migrate (a CI run hit it). That is database set-up, not engine recovery; on
            // PostgreSQL DDL is transactional and the migration simply reruns.
            if (i == 0 || i % 2 == 1) {
                assertTrue(ready.await(120, TimeUnit.SECONDS), "harness became ready");
            }
            Thread.sleep(200 + random.nextInt(2000));
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(started.size() > KILLS, "the harness started instances under load: " + started.size());

        // The drain run reports "ACTIVE 0" once every instance has finished.
        java.util.concurrent.CountDownLatch drained = new java.util.concurrent.CountDownLatch(1);
        Process drain = launch(url, user, true, started, drained);
        boolean finished = drained.await(180, TimeUnit.SECONDS);
        drain.destroyForcibly();
        drain.waitFor(30, TimeUnit.SECONDS);
        DataSource ds = CrashHarnessMain.dataSource(url, user);
        long active = count(ds, "SELECT COUNT(*) FROM engine_instance WHERE state <> 'COMPLETED'");
        assertTrue(finished || active == 0, () -> "drain finished" + harnessLog());

        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            Set<Long> present = ConcurrentHashMap.newKeySet();
            try (ResultSet rs = st.executeQuery("SELECT instance_key FROM engine_instance")) {
                while (rs.next()) {
                    present.add(rs.getLong(1));
                }
            }
            assertTrue(present.containsAll(started), () -> "every committed start survived" + harnessLog());
            assertEquals(0, active, () -> "every instance finished: none stuck" + harnessLog());
            Map<String, Long> duplicates = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT instance_key, element_id, COUNT(*) FROM engine_element "
                    + "GROUP BY instance_key, element_id HAVING COUNT(*) > 1")) {
                while (rs.next()) {
                    duplicates.put(rs.getLong(1) + "/" + rs.getString(2), rs.getLong(3));
                }
            }
            assertEquals(Map.of(), duplicates, () -> "no element ran twice in an instance" + harnessLog());
            assertEquals(0, count(ds, "SELECT COUNT(*) FROM engine_job"), () -> "no job left behind" + harnessLog());
            assertEquals(0, count(ds, "SELECT COUNT(*) FROM engine_timer"), () -> "no timer left behind" + harnessLog());
            assertEquals(0, count(ds, "SELECT COUNT(*) FROM engine_incident"), () -> "no incident" + harnessLog());
            assertEquals(count(ds, "SELECT COUNT(*) FROM engine_instance"),
                    count(ds, "SELECT COUNT(*) FROM engine_element WHERE element_id = 'end' AND state = 'COMPLETED'"),
                    () -> "each instance reached its end exactly once" + harnessLog());
        }
    }

    /**
     * The end of the harness JVMs' stderr (engine warnings, database errors), so that a failure
     * on a CI machine can be diagnosed from the report alone.
     */
    private static String harnessLog() {
        try {
            java.util.List<String> lines = Files.readAllLines(HARNESS_LOG);
            return "\n--- last lines of " + HARNESS_LOG + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (java.io.IOException e) {
            return " (no harness log: " + e + ")";
        }
    }

    private static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Process launch(String url, String user, boolean drain, Set<Long> started,
            java.util.concurrent.CountDownLatch ready) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CrashHarnessMain.class.getName(), url, user,
                drain ? "drain" : "load");
        pb.redirectError(ProcessBuilder.Redirect.appendTo(HARNESS_LOG.toFile()));
        Process p = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals("READY") && !drain || line.equals("ACTIVE 0")) {
                        ready.countDown();
                    } else if (line.startsWith("STARTED ")) {
                        started.add(Long.parseLong(line.substring(8).trim()));
                    }
                }
            } catch (Exception e) {
                // The child was killed mid-line: the partial line was never a committed start.
            }
        });
        reader.setDaemon(true);
        reader.start();
        return p;
    }
}
