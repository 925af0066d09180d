package io.countersign.engine.embedded;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables of one step: each scope's locals are read once, later reads and writes go
 * through the step's copy, and the changed rows are written when the step returns (a batch of
 * INSERTs and a batch of UPDATEs).
 */
final class JdbcVariableBuffer {

    private record VarKey(long scope, String name) {
    }

    private record VarWrite(boolean insert, long instanceKey, String json) {
    }

    private final Db db;
    /** Local variables per scope as they are in this transaction (loaded once, kept in step with writes). */
    private final Map<Long, Map<String, Object>> localsCache = new HashMap<>();
    /** Variable rows set by this step and not yet written, in order. */
    private final Map<VarKey, VarWrite> varWrites = new LinkedHashMap<>();

    JdbcVariableBuffer(Db db) {
        this.db = db;
    }

    /** A scope created by this step: it starts without variables and without a query. */
    void newScope(long scopeKey) {
        localsCache.put(scopeKey, new LinkedHashMap<>());
    }

    Map<Long, Map<String, Object>> locals(List<Long> scopes) {
        List<Long> missing = new ArrayList<>();
        for (Long k : scopes) {
            if (!localsCache.containsKey(k)) {
                missing.add(k);
            }
        }
        if (!missing.isEmpty()) {
            for (Long k : missing) {
                localsCache.put(k, new LinkedHashMap<>());
            }
            db.list("SELECT scope_key, name, value_json FROM engine_variable WHERE scope_key IN ("
                    + JdbcRows.placeholders(missing.size()) + ")", rs -> {
                        localsCache.get(rs.getLong(1)).put(rs.getString(2), Json.read(rs.getString(3)));
                        return null;
                    }, missing.toArray());
        }
        Map<Long, Map<String, Object>> out = new HashMap<>();
        for (Long k : scopes) {
            out.put(k, localsCache.get(k));
        }
        return out;
    }

    void set(long scopeKey, long instanceKey, String name, Object value) {
        String json = Json.write(value);
        Map<String, Object> known = locals(List.of(scopeKey)).get(scopeKey);
        VarKey k = new VarKey(scopeKey, name);
        VarWrite earlier = varWrites.get(k);
        varWrites.put(k, new VarWrite(earlier != null ? earlier.insert : !known.containsKey(name), instanceKey, json));
        known.put(name, Json.read(json));
    }

    /**
     * Deletes a scope's locals (when its element ends): drops this step's unsent writes of the
     * scope, and sends a DELETE only when the table may hold rows of it.
     */
    void delete(long scopeKey) {
        Map<String, Object> known = localsCache.get(scopeKey);
        boolean stored = known == null;
        if (known != null) {
            for (String name : known.keySet()) {
                VarWrite w = varWrites.remove(new VarKey(scopeKey, name));
                stored |= w == null || !w.insert;
            }
        }
        if (stored) {
            db.update("DELETE FROM engine_variable WHERE scope_key = ?", scopeKey);
        }
        localsCache.put(scopeKey, new LinkedHashMap<>());
    }

    void flush() {
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        varWrites.forEach((k, w) -> {
            if (w.insert) {
                inserts.add(new Object[] {k.scope(), k.name(), w.instanceKey, w.json});
            } else {
                updates.add(new Object[] {w.json, k.scope(), k.name()});
            }
        });
        varWrites.clear();
        db.batch("INSERT INTO engine_variable (scope_key, name, instance_key, value_json) VALUES (?, ?, ?, ?)", inserts);
        db.batch("UPDATE engine_variable SET value_json = ? WHERE scope_key = ? AND name = ?", updates);
    }
}
