package io.countersign.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Counts the statements prepared and the connections borrowed (= transactions of the embedded
 * engine, which borrows one connection per transaction) through a DataSource: a dynamic proxy,
 * negligible next to a round trip. A JDBC batch counts as one statement (one prepare).
 */
public final class CountingDataSource {

    public final AtomicLong statements = new AtomicLong();
    public final AtomicLong connections = new AtomicLong();
    /** Statement counts per SQL text, or null when not profiling. */
    public final Map<String, AtomicLong> bySql;

    public CountingDataSource(boolean profile) {
        this.bySql = profile ? new ConcurrentHashMap<>() : null;
    }

    public DataSource wrap(DataSource ds) {
        ClassLoader cl = CountingDataSource.class.getClassLoader();
        return (DataSource) Proxy.newProxyInstance(cl, new Class<?>[] {DataSource.class}, (p, m, a) -> {
            Object r = invoke(ds, m, a);
            if (!m.getName().equals("getConnection")) {
                return r;
            }
            connections.incrementAndGet();
            Connection c = (Connection) r;
            return Proxy.newProxyInstance(cl, new Class<?>[] {Connection.class}, (p2, m2, a2) -> {
                if (m2.getName().startsWith("prepare") || m2.getName().equals("createStatement")) {
                    statements.incrementAndGet();
                    if (bySql != null && a2 != null && a2.length > 0 && a2[0] instanceof String sql) {
                        bySql.computeIfAbsent(sql, k -> new AtomicLong()).incrementAndGet();
                    }
                }
                return invoke(c, m2, a2);
            });
        });
    }

    private static Object invoke(Object target, Method m, Object[] a) throws Throwable {
        try {
            return m.invoke(target, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
