package io.countersign.common;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A small thread-safe map whose entries carry their own expiry and whose size is bounded: past
 * {@code maxEntries} it starts over (empty), which suits caches of a few hot keys that are cheap
 * to reload. Times are in whatever monotonic or wall-clock unit the caller uses consistently;
 * they are compared overflow-safely ({@code expiresAt - now > 0}).
 */
public final class ExpiringMap<K, V> {

    private record Entry<V>(V value, long expiresAt) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int maxEntries;

    public ExpiringMap(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The value of {@code key} if it has not expired at {@code now}; an expired entry is dropped. */
    public V get(K key, long now) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.expiresAt - now > 0) {
            return e.value;
        }
        entries.remove(key, e);
        return null;
    }

    /** Stores {@code value} until {@code expiresAt}, emptying the map first when it is full. */
    public void put(K key, V value, long expiresAt) {
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, expiresAt));
    }

    public void remove(K key) {
        entries.remove(key);
    }
}
