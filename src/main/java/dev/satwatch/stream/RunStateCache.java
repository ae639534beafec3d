package dev.satwatch.stream;

import dev.satwatch.track.LruMap;
import dev.satwatch.track.RunState;
import java.util.Arrays;
import java.util.Map;

/**
 * The decoded {@link RunState}s of one task's recently active runs, each with the exact bytes it was last written to
 * the {@value StreamNames#RUN_STATE_STORE} as, so that an event of a run seen recently skips
 * {@link RunState#fromBytes} (about a tenth of the per-event work at 10k runs).
 *
 * <p><b>The store stays the truth.</b> {@link #take} hands out a cached state only when the bytes the store holds now
 * are equal to the bytes cached with it ({@link Arrays#equals}, a few hundred nanoseconds); otherwise it decodes the
 * store's bytes. Since a state's content is its serialized form ({@link RunState#equals}), the caller gets a state
 * equal to {@code fromBytes(stored)} in every case: after a restore, a task revival, a rebalance or an aborted
 * exactly-once transaction the store's bytes differ from the cached ones (or are equal and so is the content). A
 * taken state is no longer cached until {@link #put} returns it with its new bytes, so a state mutated by a call that
 * then failed is never handed out again. (The entry stays in the map, emptied: one hash lookup per take and per put,
 * no node allocated per event.)
 *
 * <p>Bounded: at most {@code capacity} entries, least recently used evicted first ({@link LruMap}). Create in
 * {@code Processor#init}, {@link #clear} in {@code close}. Not thread-safe (one stream task).
 */
final class RunStateCache {

    private final Map<String, Entry> entries;

    /** A run's cached state and its bytes; {@code state} is null while the caller owns it. */
    private static final class Entry {
        byte[] bytes;
        RunState state;

        Entry(byte[] bytes, RunState state) {
            this.bytes = bytes;
            this.state = state;
        }
    }

    /**
     * An empty cache.
     *
     * @param capacity most entries kept (positive)
     */
    RunStateCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.entries = new LruMap<>(capacity, 16);
    }

    /**
     * The run's state as the store holds it, owned by the caller until {@link #put}: the cached object when its bytes
     * equal {@code stored}, a new empty state when {@code stored} is null, else {@code RunState.fromBytes(stored)}.
     *
     * @throws IllegalArgumentException when {@code stored} must be decoded and is not a run state
     */
    RunState take(String runId, byte[] stored) {
        Entry cached = entries.get(runId);
        RunState state = null;
        byte[] bytes = null;
        if (cached != null) {
            state = cached.state;
            bytes = cached.bytes;
            cached.state = null;
            cached.bytes = null;
        }
        if (stored == null) {
            return RunState.create(runId);
        }
        if (state != null && Arrays.equals(bytes, stored)) {
            return state;
        }
        return RunState.fromBytes(stored);
    }

    /** Caches {@code state} as written to the store as {@code bytes} (which must be {@code state.toBytes()}). */
    void put(String runId, byte[] bytes, RunState state) {
        Entry e = entries.get(runId);
        if (e == null) {
            entries.put(runId, new Entry(bytes, state));
        } else {
            e.bytes = bytes;
            e.state = state;
        }
    }

    /** Forgets a run (deleted from the store). */
    void remove(String runId) {
        entries.remove(runId);
    }

    /** Forgets every run (the task closes). */
    void clear() {
        entries.clear();
    }

    /** Entries held. */
    int size() {
        return entries.size();
    }
}
