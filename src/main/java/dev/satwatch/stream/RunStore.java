package dev.satwatch.stream;

import dev.satwatch.track.RunState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The run processor's {@value StreamNames#RUN_STATE_STORE} (run_id → {@link RunState#toBytes()}, changelogged, so a
 * restarted or moved task resumes where it stopped) behind a {@link RunStateCache} of decoded states. The store is
 * the truth: a state is taken against the bytes the store holds now. Create in {@code init}; not thread-safe.
 */
final class RunStore {

    private final KeyValueStore<String, byte[]> states;
    private final RunStateCache cache;

    RunStore(KeyValueStore<String, byte[]> states, int cachedStates) {
        this.states = states;
        this.cache = new RunStateCache(cachedStates);
    }

    /** The run's stored bytes, null when the run is not tracked. */
    byte[] bytes(String runId) {
        return states.get(runId);
    }

    /** The run's state for {@code stored} (its current bytes), owned by the caller until {@link #save}. */
    RunState take(String runId, byte[] stored) {
        return cache.take(runId, stored);
    }

    /** Gives back a state taken against {@code stored}, writing it when {@code always} or when it changed. */
    void save(String runId, byte[] stored, RunState state, boolean always) {
        byte[] bytes = state.toBytes();
        if (always || !Arrays.equals(bytes, stored)) {
            states.put(runId, bytes);
        }
        cache.put(runId, bytes, state);
    }

    /** Gives back an unchanged state taken against {@code stored}. */
    void untouched(String runId, byte[] stored, RunState state) {
        cache.put(runId, stored, state);
    }

    /** Every stored run, collected first: the store is written afterwards and iterators must not outlive a loop. */
    List<KeyValue<String, byte[]>> all() {
        List<KeyValue<String, byte[]>> runs = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = states.all()) {
            it.forEachRemaining(runs::add);
        }
        return runs;
    }

    /** Every stored run decoded (bypassing the cache: for the rare eviction scan). */
    List<RunState> decodeAll() {
        return all().stream().map(kv -> RunState.fromBytes(kv.value)).toList();
    }

    void delete(String runId) {
        states.delete(runId);
        cache.remove(runId);
    }

    /** Forgets the cached states (the task closes). */
    void close() {
        cache.clear();
    }
}
