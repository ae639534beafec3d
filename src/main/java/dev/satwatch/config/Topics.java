package dev.satwatch.config;

import dev.satwatch.event.Alert;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.law.CalibrationRun;
import dev.satwatch.serde.AlertJson;
import dev.satwatch.serde.CalibrationRunJson;
import dev.satwatch.serde.FitUpdateJson;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Every topic satwatch reads or writes, with its key and value serdes, defined once (STYLE habit 4). The
 * topology, the app's topic creation, the CLI readers and the tests all use these constants.
 *
 * <table>
 *   <caption>Topics</caption>
 *   <tr><th>topic</th><th>key</th><th>value</th></tr>
 *   <tr><td>{@code satwatch.events}</td><td>run_id</td><td>event JSON bytes (DESIGN §3), parsed by the app</td></tr>
 *   <tr><td>{@code satwatch.events-by-run}</td><td>run_id</td><td>internal: events whose record key was not
 *       their run_id, re-keyed so they reach their run's partition</td></tr>
 *   <tr><td>{@code satwatch.fits}</td><td>run_id</td><td>{@link FitUpdateJson}</td></tr>
 *   <tr><td>{@code satwatch.alerts}</td><td>run_id</td><td>{@link AlertJson}</td></tr>
 *   <tr><td>{@code satwatch.laws}</td><td>setting</td><td>a one-entry law file document
 *       ({@link dev.satwatch.serde.LawJson}); compacted</td></tr>
 *   <tr><td>{@code satwatch.dead-letter}</td><td>the original key</td><td>the original bytes, reason in
 *       headers ({@link dev.satwatch.serde.DeadLetter})</td></tr>
 *   <tr><td>{@code satwatch.finished-runs}</td><td>setting</td><td>internal: {@link CalibrationRunJson}</td></tr>
 * </table>
 *
 * <p>Serdes are stateless and thread-safe. A value deserializer of a JSON topic throws
 * {@link IllegalArgumentException} on a malformed record (these topics are written by satwatch only).
 */
public final class Topics {

    /**
     * A topic with its serdes.
     *
     * @param name the topic name
     * @param keySerde key serde
     * @param valueSerde value serde
     * @param compacted whether the topic is created with {@code cleanup.policy=compact}
     * @param internal whether only satwatch writes and reads it (written by the app, never by producers)
     */
    public record Topic<K, V>(
            String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, boolean internal) {

        /** Serializes a value for this topic. */
        public byte[] serialize(V value) {
            return valueSerde.serializer().serialize(name, value);
        }

        /** Deserializes a value of this topic. */
        public V deserialize(byte[] bytes) {
            return valueSerde.deserializer().deserialize(name, bytes);
        }
    }

    /** Training events in (DESIGN §3). */
    public static final Topic<String, byte[]> EVENTS =
            new Topic<>("satwatch.events", Serdes.String(), Serdes.ByteArray(), false, false);

    /** Events re-keyed by run_id (internal). */
    public static final Topic<String, byte[]> EVENTS_BY_RUN =
            new Topic<>("satwatch.events-by-run", Serdes.String(), Serdes.ByteArray(), false, true);

    /** Fit updates out. */
    public static final Topic<String, FitUpdate> FITS = new Topic<>(
            "satwatch.fits", Serdes.String(), json(FitUpdateJson::toJson, FitUpdateJson::parse), false, false);

    /** Alert transitions out. */
    public static final Topic<String, Alert> ALERTS =
            new Topic<>("satwatch.alerts", Serdes.String(), json(AlertJson::toJson, AlertJson::parse), false, false);

    /** Laws by setting (compacted): raw law-document bytes; see {@link dev.satwatch.serde.LawJson}. */
    public static final Topic<String, byte[]> LAWS =
            new Topic<>("satwatch.laws", Serdes.String(), Serdes.ByteArray(), true, false);

    /** Rejected input records, original bytes. */
    public static final Topic<String, byte[]> DEAD_LETTER =
            new Topic<>("satwatch.dead-letter", Serdes.String(), Serdes.ByteArray(), false, false);

    /** Finished runs' calibration points by setting (internal). */
    public static final Topic<String, CalibrationRun> FINISHED_RUNS = new Topic<>(
            "satwatch.finished-runs",
            Serdes.String(),
            json(CalibrationRunJson::toJson, CalibrationRunJson::parse),
            false,
            true);

    /** Every topic, in creation order. */
    public static final List<Topic<?, ?>> ALL =
            List.of(EVENTS, EVENTS_BY_RUN, FITS, ALERTS, LAWS, DEAD_LETTER, FINISHED_RUNS);

    private Topics() {}

    private static <T> Serde<T> json(Function<T, byte[]> write, Function<byte[], T> read) {
        Serializer<T> serializer = (topic, value) -> value == null ? null : write.apply(value);
        Deserializer<T> deserializer = (topic, bytes) -> bytes == null ? null : read.apply(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
