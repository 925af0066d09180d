package io.countersign.common;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import org.hibernate.exception.JDBCConnectionException;

/**
 * Tells a database outage from a fault, for every layer: the web mapper answers an outage with
 * 503 and Retry-After, background loops back off and log a warning, the outbox leaves a delivery
 * whose result it could not record to its claim's expiry.
 */
public final class DatabaseOutage {

    private DatabaseOutage() {
    }

    /**
     * True when {@code e} was caused by the database being unreachable: a connection that could
     * not be opened or was lost (SQLState class 08, PostgreSQL shutdown states 57P01-57P03, too
     * many connections 53300), or no pooled connection within Agroal's acquisition timeout.
     */
    public static boolean causedBy(Throwable e) {
        return SqlErrors.anyWrapped(e, DatabaseOutage::isOutage);
    }

    private static boolean isOutage(Throwable t) {
        if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLRecoverableException || t instanceof JDBCConnectionException) {
            return true;
        }
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                    || state.equals("57P03") || state.equals("53300"))) {
                return true;
            }
            // Agroal: "Sorry, acquisition timeout!" (no SQLState) when the pool cannot open a connection in time.
            return sql.getMessage() != null && sql.getMessage().toLowerCase(Locale.ROOT).contains("acquisition timeout");
        }
        return false;
    }
}
