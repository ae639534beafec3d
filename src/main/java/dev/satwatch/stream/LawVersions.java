package dev.satwatch.stream;

import dev.satwatch.event.RunMeta;
import dev.satwatch.track.RunState;
import dev.satwatch.track.RunTracker;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per run, the version of the law it last used ({@value StreamNames#RUN_LAW_STORE}, run_id → {@link
 * LawCache#version}), so the run processor can tell that a run's setting's law was published, recalibrated or removed
 * since and call {@link RunTracker#onLawChanged} first. A run without a version (new, or stored before versions were
 * kept) uses the current law with no change call. One instance per task; not thread-safe.
 */
final class LawVersions {

    private final KeyValueStore<String, Long> store;
    private final LawCache laws;

    LawVersions(KeyValueStore<String, Long> store, LawCache laws) {
        this.store = store;
        this.laws = laws;
    }

    /** The version the run last used, null when none is stored. Read once per event and passed back below. */
    Long used(String runId) {
        return store.get(runId);
    }

    /** Whether the run's setting's law now has another version than {@code used} (never for a null {@code used}). */
    boolean changed(RunState state, Long used) {
        return used != null && used != laws.version(settingOf(state));
    }

    /** Stores the current version as the run's, unless it is {@code used} already. */
    void remember(RunState state, Long used) {
        long current = laws.version(settingOf(state));
        if (used == null || used != current) {
            store.put(state.runId(), current);
        }
    }

    /** Forgets a deleted run. */
    void forget(String runId) {
        store.delete(runId);
    }

    private static String settingOf(RunState state) {
        return state.meta() == null ? RunMeta.DEFAULT_SETTING : state.meta().settingOrDefault();
    }
}
