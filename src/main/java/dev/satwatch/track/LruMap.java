package dev.satwatch.track;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map of at most {@code capacity} entries in access order: a {@code get} or {@code put} makes an entry the most
 * recently used, and a {@code put} beyond the capacity drops the least recently used. The one eviction order of the
 * run processor's rate buckets and of the decoded-state cache. Not thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {

    private static final long serialVersionUID = 1L;

    private final int capacity;

    /**
     * An empty map.
     *
     * @param capacity most entries kept (positive)
     * @param initialCapacity the hash table's initial size (a hint)
     */
    public LruMap(int capacity, int initialCapacity) {
        super(initialCapacity, 0.75f, true);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Most entries kept. */
    public int capacity() {
        return capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
