package dev.satwatch.stream;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import dev.satwatch.law.LawCalibrator;
import dev.satwatch.track.RunTracker;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds satwatch's Kafka Streams topology (DESIGN §2). Wiring only: every step is a named processor class and
 * every name a {@link StreamNames} constant. {@code demo}, {@code run} and every topology test call this method.
 *
 * <pre>
 * satwatch.events ───────┬─► event-parse ─┬─ invalid ──────────────────► satwatch.dead-letter
 * satwatch.events-by-run ─┘                ├─ other key ───────────────► satwatch.events-by-run
 *                                          └─ key = run_id, or re-keyed ► run-processor ─┬─► satwatch.fits
 *                                  (run-state-store, run-law-store)                      ├─► satwatch.alerts
 *                                  reads global laws-store ◄──┐                          └─► satwatch.finished-runs
 * satwatch.finished-runs ─► law-calibration (calibration-store) ─► satwatch.laws ─┴─ laws-store-updater
 * </pre>
 */
public final class SatwatchTopology {

    private SatwatchTopology() {}

    /**
     * The topology for {@code config}, counting into {@code counters}.
     *
     * @param config tracker settings, sweep interval, retention and calibration bounds are read from it
     * @param counters shared by all tasks of the instance
     */
    public static Topology build(SatwatchConfig config, StreamCounters counters) {
        Topology t = new Topology();

        t.addSource(
                StreamNames.EVENTS_SOURCE,
                Topics.EVENTS.keySerde().deserializer(),
                Topics.EVENTS.valueSerde().deserializer(),
                Topics.EVENTS.name());
        t.addSource(
                StreamNames.EVENTS_BY_RUN_SOURCE,
                Topics.EVENTS_BY_RUN.keySerde().deserializer(),
                Topics.EVENTS_BY_RUN.valueSerde().deserializer(),
                Topics.EVENTS_BY_RUN.name());
        // Re-keyed events come back through the parser, so the run processor has one typed input.
        t.addProcessor(
                StreamNames.EVENT_PARSE,
                () -> new EventParseProcessor(counters),
                StreamNames.EVENTS_SOURCE,
                StreamNames.EVENTS_BY_RUN_SOURCE);
        t.addSink(
                StreamNames.EVENTS_BY_RUN_SINK,
                Topics.EVENTS_BY_RUN.name(),
                Topics.EVENTS_BY_RUN.keySerde().serializer(),
                Topics.EVENTS_BY_RUN.valueSerde().serializer(),
                StreamNames.EVENT_PARSE);

        t.addProcessor(
                StreamNames.RUN_PROCESSOR,
                () -> new RunProcessor(RunTracker.create(config.tracker()), config, counters),
                StreamNames.EVENT_PARSE);
        // The run stores are written on every event: the record cache keeps each run's latest value until the
        // commit (or an eviction), so RocksDB and the changelog see one write per run and commit instead of one per
        // event (the changelog stays complete: the cache is flushed before every commit).
        // RocksDB by default, or the heap (streams.state.store): behind the record cache, with one write per run and
        // commit, the two cost the same per event within the noise (BENCHMARKS.md §6).
        boolean inMemory = config.stores().inMemory();
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                                runStore(StreamNames.RUN_STATE_STORE, inMemory), Serdes.String(), Serdes.ByteArray())
                        .withCachingEnabled(),
                StreamNames.RUN_PROCESSOR);
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                                runStore(StreamNames.RUN_LAW_STORE, inMemory), Serdes.String(), Serdes.Long())
                        .withCachingEnabled(),
                StreamNames.RUN_PROCESSOR);

        t.addSink(
                StreamNames.DEAD_LETTER_SINK,
                Topics.DEAD_LETTER.name(),
                Topics.DEAD_LETTER.keySerde().serializer(),
                Topics.DEAD_LETTER.valueSerde().serializer(),
                StreamNames.EVENT_PARSE,
                StreamNames.RUN_PROCESSOR);
        // Run-processor outputs are encoded with the topics' own serializers before forwarding (one value type per
        // edge), so these sinks write bytes.
        t.addSink(
                StreamNames.FITS_SINK,
                Topics.FITS.name(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer(),
                StreamNames.RUN_PROCESSOR);
        t.addSink(
                StreamNames.ALERTS_SINK,
                Topics.ALERTS.name(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer(),
                StreamNames.RUN_PROCESSOR);
        t.addSink(
                StreamNames.FINISHED_RUNS_SINK,
                Topics.FINISHED_RUNS.name(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer(),
                StreamNames.RUN_PROCESSOR);

        t.addSource(
                StreamNames.FINISHED_RUNS_SOURCE,
                Topics.FINISHED_RUNS.keySerde().deserializer(),
                Topics.FINISHED_RUNS.valueSerde().deserializer(),
                Topics.FINISHED_RUNS.name());
        t.addProcessor(
                StreamNames.LAW_CALIBRATION,
                () -> new LawCalibrationProcessor(
                        LawCalibrator.create(), config.calibrationMaxRuns(), config.lawPublish(), counters),
                StreamNames.FINISHED_RUNS_SOURCE);
        t.addStateStore(bytesStore(StreamNames.CALIBRATION_STORE), StreamNames.LAW_CALIBRATION);
        t.addSink(
                StreamNames.LAWS_SINK,
                Topics.LAWS.name(),
                Topics.LAWS.keySerde().serializer(),
                Topics.LAWS.valueSerde().serializer(),
                StreamNames.LAW_CALIBRATION);

        // A global store is restored from its (compacted) source topic, so it must not have a changelog of its own.
        t.addGlobalStore(
                bytesStore(StreamNames.LAWS_STORE).withLoggingDisabled(),
                StreamNames.LAWS_SOURCE,
                Topics.LAWS.keySerde().deserializer(),
                Topics.LAWS.valueSerde().deserializer(),
                Topics.LAWS.name(),
                StreamNames.LAWS_UPDATER,
                LawStoreUpdater::new);
        return t;
    }

    private static KeyValueBytesStoreSupplier runStore(String name, boolean inMemory) {
        return inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> bytesStore(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
    }
}
