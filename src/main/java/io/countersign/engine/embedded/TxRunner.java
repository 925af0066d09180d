package io.countersign.engine.embedded;

import java.util.function.Function;

/**
 * Runs one engine step in one database transaction. Implementations retry transient lock
 * conflicts when they own the transaction, and run {@link Db#afterCommit} actions only after
 * a successful commit.
 */
interface TxRunner {

    /**
     * @param joinExisting when true and the caller already has a transaction, the step joins it
     *     (its after-commit actions then run when the caller commits)
     */
    <T> T inTransaction(boolean joinExisting, Function<Db, T> step);
}
