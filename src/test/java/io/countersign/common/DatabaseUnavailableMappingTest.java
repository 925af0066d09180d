package io.countersign.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.GenericJDBCException;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;

/**
 * Regression for bench/outage.sh: with PostgreSQL stopped, requests answered 500 "internal"
 * with an incident id. Database unavailability is now 503 problem+json with Retry-After.
 */
class DatabaseUnavailableMappingTest {

    private final ProblemMappers mappers = new ProblemMappers();

    private static RuntimeException wrapped(Throwable cause) {
        // The shape seen from the service layer: transaction/ORM wrappers around the JDBC failure.
        return new IllegalStateException("tx failed", new RuntimeException("hibernate", cause));
    }

    @Test
    void connectionRefusedIs503WithRetryAfter() {
        Response r = mappers.unexpected(wrapped(new SQLException("Connection to 127.0.0.1:5432 refused", "08001")), null);
        assertEquals(503, r.getStatus());
        assertEquals(Problem.MEDIA_TYPE, r.getMediaType().toString());
        assertEquals(ProblemMappers.RETRY_AFTER_SECONDS, r.getHeaderString("Retry-After"));
        Problem p = (Problem) r.getEntity();
        assertEquals("https://countersign.dev/problems/service-unavailable", p.type());
        assertFalse(p.detail().contains("SQLException"));
    }

    @Test
    void recognisesEveryWayTheDatabaseGoesAway() {
        assertTrue(ProblemMappers.databaseUnavailable(wrapped(new SQLException("An I/O error occurred", "08006"))));
        assertTrue(ProblemMappers.databaseUnavailable(wrapped(new SQLException("terminating connection due to administrator command", "57P01"))));
        assertTrue(ProblemMappers.databaseUnavailable(wrapped(new SQLException("the database system is starting up", "57P03"))));
        assertTrue(ProblemMappers.databaseUnavailable(wrapped(new SQLException("Sorry, acquisition timeout!"))));
        assertTrue(ProblemMappers.databaseUnavailable(new GenericJDBCException("Unable to acquire JDBC Connection",
                new SQLException("Sorry, acquisition timeout!"))));
        assertTrue(ProblemMappers.databaseUnavailable(new JDBCConnectionException("lost", new SQLException("x"))));
        assertTrue(ProblemMappers.databaseUnavailable(wrapped(new java.sql.SQLTransientConnectionException("pool"))));
    }

    @Test
    void otherDatabaseErrorsStayInternal() {
        assertFalse(ProblemMappers.databaseUnavailable(new ConstraintViolationException("dup",
                new SQLException("duplicate key", "23505"), "pk")));
        assertFalse(ProblemMappers.databaseUnavailable(wrapped(new SQLException("syntax error", "42601"))));
        assertFalse(ProblemMappers.databaseUnavailable(new IllegalStateException("boom")));
        assertEquals(500, mappers.unexpected(new IllegalStateException("boom"), null).getStatus());
    }

    @Test
    void dataExceptionsAre400InvalidValue() {
        // PostgreSQL: NUL in a text parameter (22021), timestamp out of range (22008), as Hibernate wraps them.
        for (String state : new String[] { "22021", "22008" }) {
            Response r = mappers.unexpected(new org.hibernate.exception.DataException("could not execute",
                    new SQLException("ERROR: invalid value", state)), null);
            assertEquals(400, r.getStatus());
            assertEquals("https://countersign.dev/problems/invalid-value", ((Problem) r.getEntity()).type());
        }
    }
}
