package io.countersign.common;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

/** Looks through the layers a database error arrives in (causes, JDBC's next exceptions, suppressed ones). */
public final class SqlErrors {

    /** Looked at, at most, so that a cyclic or endless chain cannot keep a caller busy. */
    private static final int MAX_LOOKED_AT = 50;

    private SqlErrors() {
    }

    /** True when {@code e} or anything it wraps satisfies {@code test}. */
    public static boolean anyWrapped(Throwable e, Predicate<Throwable> test) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Throwable> todo = new ArrayDeque<>();
        if (e != null) {
            todo.add(e);
        }
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t) || seen.size() > MAX_LOOKED_AT) {
                continue;
            }
            if (test.test(t)) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                todo.add(sql.getNextException());
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            todo.addAll(Arrays.asList(t.getSuppressed()));
        }
        return false;
    }

    /** A unique constraint refused a statement (SQLState 23505 on H2 and PostgreSQL), in a JDBC batch too. */
    public static boolean uniqueViolation(Throwable e) {
        return anyWrapped(e, t -> t instanceof SQLException s && "23505".equals(s.getSQLState()));
    }
}
