package io.countersign.common;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * At start-up on PostgreSQL, warns when the server runs without automatic vacuum: {@code autovacuum}
 * off, or {@code track_counts} off (autovacuum cannot run without it). Countersign's tables churn —
 * every audit event is updated once when it is chained, the engine updates and deletes its rows at
 * every step — so without vacuum they bloat, and without the automatic {@code ANALYZE} prepared
 * statements keep plans made for empty tables (docs/operations.md, "Keep autovacuum on"). A
 * warning, not a refusal: the server is its operator's, who may vacuum on a schedule instead.
 * Nothing to check on H2.
 */
@ApplicationScoped
public class DatabaseSettingsCheck {

    static final String DOCS = "docs/operations.md, \"Keep autovacuum on\"";

    @Inject
    DataSource dataSource;

    void onStart(@Observes StartupEvent event) {
        check().forEach(Log::warn);
    }

    /** The warnings for the configured database: none on H2 or on a PostgreSQL server with automatic vacuum. */
    public List<String> check() {
        try (Connection c = dataSource.getConnection()) {
            if (!"PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName())) {
                return List.of();
            }
            Map<String, String> settings = new HashMap<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT name, setting FROM pg_settings WHERE name IN ('autovacuum', 'track_counts')")) {
                while (rs.next()) {
                    settings.put(rs.getString(1), rs.getString(2));
                }
            }
            return warnings(settings);
        } catch (SQLException e) {
            // The database being down at start-up is reported by readiness; this check is advice only.
            Log.infof("could not read the database's vacuum settings: %s", e.getMessage());
            return List.of();
        }
    }

    /** Warnings for PostgreSQL settings as {@code pg_settings} gives them (name -> "on"/"off"). */
    static List<String> warnings(Map<String, String> settings) {
        String consequence = ": Countersign's tables will bloat and their query plans go stale unless the database "
                + "is vacuumed and analyzed on a schedule (vacuumdb --analyze); see " + DOCS;
        List<String> out = new ArrayList<>();
        if ("off".equals(settings.get("autovacuum"))) {
            out.add("PostgreSQL runs with autovacuum = off" + consequence);
        }
        if ("off".equals(settings.get("track_counts"))) {
            out.add("PostgreSQL runs with track_counts = off, so autovacuum never starts" + consequence);
        }
        return out;
    }
}
