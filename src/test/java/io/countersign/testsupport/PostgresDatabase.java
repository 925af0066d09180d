package io.countersign.testsupport;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * For the PostgreSQL test run (profile {@code pg}): creates the test database when it is
 * missing, so the README's test command works on a machine where PostgreSQL runs but the
 * project's database was never created. Does nothing on the H2 run.
 */
@QuarkusTestResource(PostgresDatabase.class)
public class PostgresDatabase implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String url = System.getProperty("countersign.test.pg-url");
        if (url == null) {
            return Map.of();
        }
        String db = url.substring(url.lastIndexOf('/') + 1);
        String admin = url.substring(0, url.lastIndexOf('/') + 1) + "postgres";
        String user = System.getProperty("countersign.test.pg-user", "postgres");
        try (Connection c = DriverManager.getConnection(admin, user, "")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, db);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        try (Statement st = c.createStatement()) {
                            st.execute("CREATE DATABASE \"" + db.replace("\"", "") + "\"");
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL test run: cannot reach " + admin
                    + " (start PostgreSQL, see README, or run with -Dskip.pg=true): " + e.getMessage(), e);
        }
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
