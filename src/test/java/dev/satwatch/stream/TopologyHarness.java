package dev.satwatch.stream;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import dev.satwatch.event.Alert;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.RunEvent;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.LawJson;
import dev.satwatch.sim.TimedEvent;
import dev.satwatch.track.RunState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Drives {@link SatwatchTopology} in a {@link TopologyTestDriver} with a mocked wall clock: events are piped with
 * their wall time, advancing the clock (and so the sweep punctuator) to it first. Output topics accumulate; the
 * {@code take…} methods drain them.
 */
final class TopologyHarness implements AutoCloseable {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    final SatwatchConfig config;
    final StreamCounters counters = new StreamCounters();
    final Topology topology;
    final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> events;
    private final TestInputTopic<String, byte[]> laws;
    private final TestOutputTopic<String, FitUpdate> fits;
    private final TestOutputTopic<String, Alert> alerts;
    private final TestOutputTopic<String, byte[]> deadLetters;
    private final TestOutputTopic<String, byte[]> lawsOut;
    private Instant now = START;

    TopologyHarness(SatwatchConfig config, Path stateDir) {
        this.config = config;
        this.topology = SatwatchTopology.build(config, counters);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "satwatch-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        this.driver = new TopologyTestDriver(topology, p, START);
        this.events = driver.createInputTopic(
                Topics.EVENTS.name(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        this.laws = driver.createInputTopic(
                Topics.LAWS.name(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        this.fits = driver.createOutputTopic(
                Topics.FITS.name(),
                Serdes.String().deserializer(),
                Topics.FITS.valueSerde().deserializer());
        this.alerts = driver.createOutputTopic(
                Topics.ALERTS.name(),
                Serdes.String().deserializer(),
                Topics.ALERTS.valueSerde().deserializer());
        this.deadLetters = driver.createOutputTopic(
                Topics.DEAD_LETTER.name(),
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        this.lawsOut = driver.createOutputTopic(
                Topics.LAWS.name(),
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    /** Advances the mocked wall clock to {@code t} (never backwards), firing due sweeps. */
    void advanceTo(Instant t) {
        if (t.isAfter(now)) {
            driver.advanceWallClockTime(Duration.between(now, t));
            now = t;
        }
    }

    void advance(Duration d) {
        advanceTo(now.plus(d));
    }

    Instant now() {
        return now;
    }

    /** Sends an event keyed by its run_id at the current wall time. */
    void send(RunEvent e) {
        sendRaw(e.runId(), EventCodec.toJson(e));
    }

    /** Sends an event at its wall time. */
    void send(TimedEvent e) {
        advanceTo(e.wallTime());
        send(e.event());
    }

    void sendAll(List<TimedEvent> timed) {
        timed.forEach(this::send);
    }

    /** Sends an event whose record timestamp is {@code recordTime}, whatever the wall clock says. */
    void sendAt(RunEvent e, Instant recordTime) {
        events.pipeInput(e.runId(), EventCodec.toJson(e), recordTime);
    }

    void sendRaw(String key, byte[] value) {
        events.pipeInput(key, value, now);
    }

    void sendRaw(String key, String json) {
        sendRaw(key, json.getBytes(StandardCharsets.UTF_8));
    }

    void publishLaw(String setting, ReuseLaw law) {
        laws.pipeInput(
                setting, LawJson.write(List.of(LawJson.Entry.of(setting, law))).getBytes(StandardCharsets.UTF_8), now);
    }

    List<FitUpdate> takeFits() {
        return fits.readValuesToList();
    }

    List<Alert> takeAlerts() {
        return alerts.readValuesToList();
    }

    List<TestRecord<String, byte[]>> takeDeadLetters() {
        return deadLetters.readRecordsToList();
    }

    /** Laws the calibrator published, parsed. */
    List<LawJson.Entry> takePublishedLaws() throws Exception {
        List<LawJson.Entry> out = new ArrayList<>();
        for (TestRecord<String, byte[]> r : lawsOut.readRecordsToList()) {
            out.add(LawJson.parse(new String(r.value(), StandardCharsets.UTF_8), "satwatch.laws")
                    .get(r.key()));
        }
        return out;
    }

    /** The stored state of {@code runId}, null when none. */
    RunState state(String runId) {
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(StreamNames.RUN_STATE_STORE);
        byte[] bytes = store.get(runId);
        return bytes == null ? null : RunState.fromBytes(bytes);
    }

    @Override
    public void close() {
        driver.close();
    }
}
