package io.countersign.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The start-up warning about automatic vacuum on PostgreSQL (docs/operations.md, "Keep autovacuum
 * on"): the rule on given settings, and the check against the database this suite runs on.
 */
@QuarkusTest
class DatabaseSettingsCheckTest {

    @Inject
    DatabaseSettingsCheck check;

    @Inject
    DataSource dataSource;

    @Test
    void serverDefaultsGiveNoWarning() {
        assertThat(DatabaseSettingsCheck.warnings(Map.of("autovacuum", "on", "track_counts", "on"))).isEmpty();
    }

    @Test
    void autovacuumOffIsNamedWithWhatToDo() {
        assertThat(DatabaseSettingsCheck.warnings(Map.of("autovacuum", "off", "track_counts", "on")))
                .singleElement().asString()
                .contains("autovacuum = off", "vacuumdb --analyze", "docs/operations.md");
    }

    @Test
    void trackCountsOffIsNamedBecauseAutovacuumThenNeverRuns() {
        assertThat(DatabaseSettingsCheck.warnings(Map.of("autovacuum", "on", "track_counts", "off")))
                .singleElement().asString()
                .contains("track_counts = off", "autovacuum never starts");
    }

    @Test
    void bothOffGiveBothWarnings() {
        assertThat(DatabaseSettingsCheck.warnings(Map.of("autovacuum", "off", "track_counts", "off"))).hasSize(2);
    }

    /** On PostgreSQL the warnings follow the server's real setting (read here with SHOW); on H2 there are none. */
    @Test
    void checksTheDatabaseTheApplicationUses() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            if (!"PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName())) {
                assertThat(check.check()).isEmpty();
                return;
            }
            String autovacuum;
            String trackCounts;
            try (Statement st = c.createStatement()) {
                autovacuum = show(st, "autovacuum");
                trackCounts = show(st, "track_counts");
            }
            assertThat(check.check()).isEqualTo(DatabaseSettingsCheck.warnings(
                    Map.of("autovacuum", autovacuum, "track_counts", trackCounts)));
            assertThat(check.check().stream().anyMatch(w -> w.contains("autovacuum = off")))
                    .isEqualTo(autovacuum.equals("off"));
        }
    }

    private static String show(Statement st, String name) throws Exception {
        try (ResultSet rs = st.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
