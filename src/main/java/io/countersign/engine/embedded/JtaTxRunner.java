package io.countersign.engine.embedded;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Transactions through Quarkus' JTA transaction manager, so engine commands issued inside an
 * application {@code @Transactional} method commit or roll back together with it.
 */
final class JtaTxRunner implements TxRunner {

    private final DataSource dataSource;
    private final TransactionSynchronizationRegistry registry;

    JtaTxRunner(DataSource dataSource, TransactionSynchronizationRegistry registry) {
        this.dataSource = dataSource;
        this.registry = registry;
    }

    @Override
    public <T> T inTransaction(boolean joinExisting, Function<Db, T> step) {
        if (joinExisting && QuarkusTransaction.isActive()) {
            Outcome<T> o = run(step, new Db[1]);
            registry.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        o.db().afterCommitActions().forEach(Runnable::run);
                    } else {
                        o.db().rolledBack();
                    }
                }
            });
            return o.result();
        }
        for (int attempt = 1;; attempt++) {
            Db[] current = new Db[1];
            try {
                Outcome<T> o = QuarkusTransaction.requiringNew().call(() -> run(step, current));
                o.db().afterCommitActions().forEach(Runnable::run);
                return o.result();
            } catch (RuntimeException e) {
                if (current[0] != null) {
                    current[0].rolledBack();
                }
                if (Db.isTransient(e) && attempt < 10) {
                    Log.debugf("engine step retried after transient conflict: %s", e.getMessage());
                    continue;
                }
                throw unwrap(e);
            }
        }
    }

    private record Outcome<T>(Db db, T result) {
    }

    /** Runs the step on a new Db (also left in {@code current[0]} so a failed commit can roll it back). */
    private <T> Outcome<T> run(Function<Db, T> step, Db[] current) {
        try (Connection c = dataSource.getConnection()) {
            Db db = new Db(c);
            current[0] = db;
            try {
                T result = step.apply(db);
                db.flush();
                return new Outcome<>(db, result);
            } catch (RuntimeException e) {
                db.rolledBack();
                throw e;
            }
        } catch (SQLException e) {
            throw new Db.DbException(e);
        }
    }

    private static RuntimeException unwrap(RuntimeException e) {
        Throwable t = e;
        while (t.getClass().getName().startsWith("io.quarkus.narayana") && t.getCause() instanceof RuntimeException c) {
            t = c;
        }
        return (RuntimeException) t;
    }
}
