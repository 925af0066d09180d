package io.countersign.engine.embedded;

import io.quarkus.logging.Log;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;

/** Plain-JDBC transactions (used outside a container, e.g. by the crash-safety harness). */
final class JdbcTxRunner implements TxRunner {

    private final DataSource dataSource;

    JdbcTxRunner(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public <T> T inTransaction(boolean joinExisting, Function<Db, T> step) {
        for (int attempt = 1;; attempt++) {
            Db db = null;
            T result;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    db = new Db(c);
                    result = step.apply(db);
                    db.flush();
                    c.commit();
                } catch (RuntimeException | SQLException e) {
                    db.rolledBack();
                    c.rollback();
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                if (Db.isTransient(e) && attempt < 10) {
                    Log.debugf("engine step retried after transient conflict: %s", e.getMessage());
                    continue;
                }
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw new Db.DbException((SQLException) e);
            }
            db.afterCommitActions().forEach(Runnable::run);
            return result;
        }
    }
}
