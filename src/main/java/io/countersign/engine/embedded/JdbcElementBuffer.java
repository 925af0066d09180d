package io.countersign.engine.embedded;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The element rows of one step, written behind: a step keeps them in memory and writes each
 * changed row once, when the step's function returns (before the commit), so an element that
 * is activated and completed in one step costs one INSERT instead of an INSERT and three
 * UPDATEs. Queries that scan {@code engine_element} by something other than the key merge the
 * buffered rows (activeChildren) or flush first (completedChildren).
 */
final class JdbcElementBuffer {

    private final Db db;
    private final OffsetDateTime now;
    /** Every element instance this step has read or written, in its current state. */
    private final Map<Long, ElementRow> elements = new HashMap<>();
    /** Elements created by this step and not yet written: one INSERT each, in their final state. */
    private final Set<Long> inserted = new LinkedHashSet<>();
    /** Existing elements this step changed and has not yet written: one UPDATE each. */
    private final Set<Long> dirty = new LinkedHashSet<>();
    /** Scopes whose active children this step has read from the table (see activeChildren). */
    private final Set<Long> scannedScopes = new HashSet<>();

    JdbcElementBuffer(Db db, OffsetDateTime now) {
        this.db = db;
        this.now = now;
    }

    void preload(Collection<Long> keys) {
        List<Long> missing = new ArrayList<>();
        for (Long k : keys) {
            if (!elements.containsKey(k) && !missing.contains(k)) {
                missing.add(k);
            }
        }
        if (missing.size() < 2) {
            return; // element(key) reads a single row on demand
        }
        for (ElementRow r : db.list("SELECT " + JdbcRows.ELEMENT_COLS + " FROM engine_element WHERE element_key IN ("
                + JdbcRows.placeholders(missing.size()) + ")", JdbcRows::element, missing.toArray())) {
            elements.putIfAbsent(r.key(), r);
        }
    }

    ElementRow element(long key) {
        ElementRow e = elements.get(key);
        if (e == null) {
            e = db.one("SELECT " + JdbcRows.ELEMENT_COLS + " FROM engine_element WHERE element_key = ?",
                    JdbcRows::element, key);
            if (e == null) {
                throw new IllegalStateException("element instance " + key + " is missing");
            }
            elements.put(key, e);
        }
        return e;
    }

    /** True when the element was created by this step and is not written yet. */
    boolean isNew(long key) {
        return inserted.contains(key);
    }

    ElementRow insert(ElementRow e) {
        elements.put(e.key(), e);
        inserted.add(e.key());
        return e;
    }

    ElementRow update(ElementRow n) {
        elements.put(n.key(), n);
        if (!inserted.contains(n.key())) {
            dirty.add(n.key());
        }
        return n;
    }

    boolean hasActiveChild(long scopeKey) {
        for (ElementRow c : elements.values()) {
            if (c.flowScopeKey() == scopeKey && !c.ended()) {
                return true;
            }
        }
        return !activeChildren(scopeKey).isEmpty();
    }

    /**
     * The scope's children that have not ended, by key. The table is scanned at most once per
     * scope and step (never for a scope this step created): from then on every active child is
     * among the step's rows, and this step's view of a row wins over the table's.
     */
    List<ElementRow> activeChildren(long scopeKey) {
        if (!inserted.contains(scopeKey) && scannedScopes.add(scopeKey)) {
            for (ElementRow r : db.list("SELECT " + JdbcRows.ELEMENT_COLS + " FROM engine_element WHERE flow_scope_key = ? "
                    + "AND state NOT IN ('COMPLETED', 'TERMINATED')", JdbcRows::element, scopeKey)) {
                elements.putIfAbsent(r.key(), r);
            }
        }
        List<ElementRow> out = new ArrayList<>();
        for (ElementRow c : elements.values()) {
            if (c.flowScopeKey() == scopeKey && !c.ended()) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingLong(ElementRow::key));
        return out;
    }

    long completedChildren(long scopeKey) {
        flush(); // the count reads the table
        return db.count("SELECT COUNT(*) FROM engine_element WHERE flow_scope_key = ? AND state = 'COMPLETED'",
                scopeKey);
    }

    /** Writes the buffered rows: new ones as a batch of INSERTs, changed ones as a batch of UPDATEs. */
    void flush() {
        if (!inserted.isEmpty()) {
            List<Object[]> rows = new ArrayList<>(inserted.size());
            for (Long k : inserted) {
                ElementRow e = elements.get(k);
                rows.add(new Object[] {e.key(), e.instanceKey(), e.flowScopeKey(), e.elementId(), e.type(), e.state(),
                    e.loopCounter(), e.pending(), now, e.ended() ? now : null});
            }
            db.batch("INSERT INTO engine_element (" + JdbcRows.ELEMENT_COLS + ", started_at, ended_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
            inserted.clear();
        }
        if (!dirty.isEmpty()) {
            List<Object[]> rows = new ArrayList<>(dirty.size());
            for (Long k : dirty) {
                ElementRow e = elements.get(k);
                rows.add(new Object[] {e.state(), e.loopCounter(), e.pending(), e.ended() ? now : null, e.key()});
            }
            db.batch("UPDATE engine_element SET state = ?, loop_counter = ?, pending = ?, ended_at = ? "
                    + "WHERE element_key = ?", rows);
            dirty.clear();
        }
    }
}
