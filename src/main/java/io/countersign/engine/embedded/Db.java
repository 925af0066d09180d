package io.countersign.engine.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Thin JDBC helper bound to one transaction's connection, plus its after-commit actions. */
final class Db {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** An SQLException made unchecked, keeping its SQL state for retry decisions. */
    static final class DbException extends RuntimeException {
        DbException(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        String sqlState() {
            return ((SQLException) getCause()).getSQLState();
        }
    }

    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final List<Runnable> beforeReturn = new ArrayList<>();
    private final List<Runnable> afterRollback = new ArrayList<>();
    private boolean rolledBack;

    Db(Connection connection) {
        this.connection = connection;
    }

    void afterCommit(Runnable r) {
        afterCommit.add(r);
    }

    List<Runnable> afterCommitActions() {
        return afterCommit;
    }

    /** Registers an action for when the transaction does not commit (releases what a step reserved in memory). */
    void afterRollback(Runnable r) {
        afterRollback.add(r);
    }

    /** Runs the after-rollback actions, once; the runners call it when the step or its commit failed. */
    void rolledBack() {
        if (!rolledBack) {
            rolledBack = true;
            afterRollback.forEach(Runnable::run);
        }
    }

    /**
     * Registers a flush of buffered writes (an engine step's element rows). The transaction
     * runners call {@link #flush()} once the step function returns, before the commit and before
     * a caller's surrounding transaction can query the tables.
     */
    void beforeReturn(Runnable r) {
        beforeReturn.add(r);
    }

    /** Runs the buffered writes registered with {@link #beforeReturn}. */
    void flush() {
        for (int i = 0; i < beforeReturn.size(); i++) {
            beforeReturn.get(i).run();
        }
        beforeReturn.clear();
    }

    int update(String sql, Object... args) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    /** Runs one statement for many argument rows as a JDBC batch (one round trip where the driver allows). */
    void batch(String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() == 1) {
            update(sql, rows.get(0));
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (Object[] args : rows) {
                bind(ps, args);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    <T> List<T> list(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    /** The first row, or null. */
    <T> T one(String sql, RowMapper<T> mapper, Object... args) {
        List<T> l = list(sql, mapper, args);
        return l.isEmpty() ? null : l.get(0);
    }

    long count(String sql, Object... args) {
        return one(sql, rs -> rs.getLong(1), args);
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Enum<?> e) {
                a = e.name();
            }
            ps.setObject(i + 1, a);
        }
    }

    /** True for lock timeouts, deadlocks and serialization failures (PostgreSQL and H2). */
    static boolean isTransient(Throwable t) {
        while (t != null) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && (state.equals("40001") || state.equals("40P01") || state.equals("HYT00")
                        || state.equals("55P03"))) {
                    return true;
                }
                if (s.getErrorCode() == 50200 || s.getErrorCode() == 40001) {
                    return true;
                }
            }
            t = t.getCause();
        }
        return false;
    }
}
