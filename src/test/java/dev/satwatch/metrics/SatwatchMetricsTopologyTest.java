package dev.satwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunFinished;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.LawJson;
import dev.satwatch.sim.SyntheticRun;
import dev.satwatch.stream.SatwatchTopology;
import dev.satwatch.stream.StreamCounters;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real events through {@link SatwatchTopology} in a {@link TopologyTestDriver}, with {@link SatwatchMetrics} bound to
 * the topology's {@link StreamCounters}: the scrape ends with the numbers the topology wrote to its output topics.
 */
class SatwatchMetricsTopologyTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);

    // alpha(300B) = 0.321 - 0.03 * ln 300 = 0.15 and B = 0.5: the gain per billion tokens falls under the default
    // threshold near 70B tokens of the 200B budget, so DIMINISHING_RETURNS opens (as in SatwatchTopologyAlertTest).
    private static final ReuseLaw FLAT = new ReuseLaw(0.5, 0.0, 0.321, 0.03, 1.8);

    /** The setting of every {@link SyntheticRun#typical} run, whose law the tests publish. */
    private static final String SETTING = "synthetic";

    @TempDir
    Path stateDir;

    private final SatwatchConfig config = SatwatchConfig.defaults();
    private final StreamCounters counters = new StreamCounters();
    private final MutableClock clock = new MutableClock(START);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private SatwatchMetrics metrics;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, FitUpdate> fits;
    private TestOutputTopic<String, Alert> alerts;
    private Instant wall = START;

    @BeforeEach
    void start() {
        metrics = SatwatchMetrics.bind(registry, counters, MetricsConfig.defaults(), clock);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "satwatch-metrics-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(SatwatchTopology.build(config, counters), p, START);
        events = driver.createInputTopic(
                Topics.EVENTS.name(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        fits = driver.createOutputTopic(
                Topics.FITS.name(),
                Serdes.String().deserializer(),
                Topics.FITS.valueSerde().deserializer());
        alerts = driver.createOutputTopic(
                Topics.ALERTS.name(),
                Serdes.String().deserializer(),
                Topics.ALERTS.valueSerde().deserializer());
        TestInputTopic<String, byte[]> laws = driver.createInputTopic(
                Topics.LAWS.name(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        laws.pipeInput(
                SETTING,
                LawJson.write(List.of(LawJson.Entry.of(SETTING, FLAT))).getBytes(StandardCharsets.UTF_8),
                START);
    }

    @AfterEach
    void stop() {
        driver.close();
        metrics.close();
        registry.close();
    }

    private void send(RunEvent e) {
        events.pipeInput(e.runId(), EventCodec.toJson(e), wall);
    }

    private void advanceWall(Duration d) {
        driver.advanceWallClockTime(d);
        wall = wall.plus(d);
    }

    @Test
    void shouldEndWithTheLatestFitsNumbersAndCountsThatReconcileWithTheTopology() {
        SyntheticRun run = SyntheticRun.typical("flat-run", FLAT, 300e9, 200e9, 26);
        send(run.started(wall));
        List<LossPoint> points = run.points(0.8);
        points.forEach(this::send);
        send(points.get(points.size() - 1)); // a duplicate
        events.pipeInput("flat-run", "not json".getBytes(StandardCharsets.UTF_8), wall); // dead-lettered

        List<FitUpdate> written = fits.readValuesToList();
        List<Alert> transitions = new ArrayList<>(alerts.readValuesToList());
        FitUpdate last = written.get(written.size() - 1);
        String text = metrics.scrape();
        Map<String, String> runTags = Map.of("run", "flat-run", "setting", SETTING);

        assertThat(written).hasSizeGreaterThan(3);
        // Exactly the last fit's numbers, NaN where the fit had NaN (Double.equals treats NaN as equal to itself).
        Map<String, Double> expected = Map.of(
                "satwatch_run_loss", last.lastLoss(),
                "satwatch_run_alpha", last.alpha(),
                "satwatch_run_alpha_ci_low", last.alphaCiLow(),
                "satwatch_run_alpha_ci_high", last.alphaCiHigh(),
                "satwatch_run_alpha_loglog", last.alphaLogLog(),
                "satwatch_run_alpha_local", last.alphaLocal(),
                "satwatch_run_alpha_predicted", last.alphaPredicted(),
                "satwatch_run_gain_per_billion_tokens", last.gainPerBillionTokens(),
                "satwatch_run_projected_loss", last.projectedLossAtTarget(),
                "satwatch_run_d2_tokens", last.d2Tokens());
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            assertThat(Double.valueOf(Scrapes.value(text, e.getKey(), runTags)))
                    .as(e.getKey())
                    .isEqualTo(e.getValue());
        }
        assertThat(last.alphaPredicted()).as("the setting's law is known").isFinite();
        assertThat(last.alpha()).isFinite();
        assertThat(Scrapes.value(
                        text,
                        "satwatch_run_alerts_open",
                        Map.of("run", "flat-run", "setting", SETTING, "type", "DIMINISHING_RETURNS")))
                .isEqualTo(1.0);

        // Every count the scrape shows equals the topology's own (StreamCounters and the output topics).
        assertThat(Scrapes.value(text, "satwatch_events_total", Map.of("result", "accepted")))
                .isEqualTo(counters.count(StreamCounters.Result.ACCEPTED))
                .isEqualTo(1 + points.size());
        assertThat(Scrapes.value(text, "satwatch_events_total", Map.of("result", "duplicate")))
                .isEqualTo(1.0);
        assertThat(Scrapes.value(text, "satwatch_events_total", Map.of("result", "invalid")))
                .isEqualTo(1.0);
        assertThat(Scrapes.value(text, "satwatch_fits_total", Map.of())).isEqualTo(written.size());
        for (AlertType type : AlertType.values()) {
            for (Alert.State state : Alert.State.values()) {
                long n = transitions.stream()
                        .filter(a -> a.type() == type && a.state() == state)
                        .count();
                assertThat(Scrapes.value(
                                text,
                                "satwatch_alerts_total",
                                Map.of(
                                        "type",
                                        type.name(),
                                        "state",
                                        state.name().toLowerCase(java.util.Locale.ROOT))))
                        .as("%s %s", type, state)
                        .isEqualTo(n);
            }
        }
        // One timer sample per tracker call that refitted; each call here refits at most once.
        assertThat(Scrapes.value(text, "satwatch_fit_seconds_count", Map.of())).isEqualTo(written.size());
        assertThat(Scrapes.value(text, "satwatch_fit_seconds_sum", Map.of())).isPositive();

        send(new RunFinished("flat-run", wall, "stopped"));
        text = metrics.scrape();
        assertThat(Scrapes.find(text, "satwatch_run_alerts_open", Map.of("run", "flat-run")))
                .as("every alert resolves when the run finishes")
                .isEmpty();
        assertThat(Scrapes.find(text, "satwatch_run_alpha", runTags)).hasSize(1);

        clock.advance(GRACE);
        text = metrics.scrape();
        assertThat(Scrapes.find(text, "satwatch_run_alpha", Map.of("run", "flat-run")))
                .isEmpty();
        assertThat(Scrapes.value(text, "satwatch_runs_tracked", Map.of())).isZero();
    }

    @Test
    void shouldRemoveTheSeriesOfARunFinishedBySilenceAfterTheGrace() {
        SyntheticRun run = SyntheticRun.typical("quiet", FLAT, 300e9, 200e9, 27);
        send(run.started(wall));
        run.points(0.2).forEach(this::send);
        assertThat(metrics.trackedRuns()).isEqualTo(1);

        // Silence: the sweep opens STALLED, then finishes the run once finishAfterStalled has passed.
        advanceWall(config.tracker().detect().stalledAfter().plus(config.punctuationInterval()));
        assertThat(Scrapes.find(
                        metrics.scrape(), "satwatch_run_alerts_open", Map.of("run", "quiet", "type", "STALLED")))
                .hasSize(1);
        advanceWall(config.tracker().detect().finishAfterStalled().plus(config.punctuationInterval()));
        clock.advance(GRACE.minusSeconds(1));
        assertThat(metrics.scrape()).contains("satwatch_run_alpha{run=\"quiet\"");

        clock.advance(Duration.ofSeconds(1));
        String text = metrics.scrape();

        assertThat(Scrapes.find(text, "satwatch_run_alpha", Map.of("run", "quiet")))
                .isEmpty();
        assertThat(Scrapes.find(text, "satwatch_run_alerts_open", Map.of("run", "quiet")))
                .isEmpty();
    }

    @Test
    void shouldKeepProcessingAndExportingWhenAnotherListenerThrows() {
        counters.addListener(new StreamCounters.Listener() {
            @Override
            public void onFit(FitUpdate fit) {
                throw new IllegalStateException("a broken listener");
            }
        });
        SyntheticRun run = SyntheticRun.typical("r", FLAT, 300e9, 200e9, 28);
        send(run.started(wall));
        run.points(0.2).forEach(this::send);

        List<FitUpdate> written = fits.readValuesToList();
        assertThat(written).isNotEmpty();
        assertThat(Scrapes.value(metrics.scrape(), "satwatch_run_d2_tokens", Map.of("run", "r")))
                .isEqualTo(written.get(written.size() - 1).d2Tokens());
    }

    @Test
    void shouldBindKafkaStreamsClientMetrics() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "satwatch-metrics-binder-test");
        // Never started: the clients exist (and so do their metrics) without connecting anywhere.
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("unstarted").toString());
        try (KafkaStreams streams = new KafkaStreams(SatwatchTopology.build(config, new StreamCounters()), p)) {
            metrics.bindStreams(streams);

            assertThat(Scrapes.samples(metrics.scrape()))
                    .extracting(Scrapes.Sample::name)
                    .anySatisfy(n -> assertThat(n).startsWith("kafka_stream_"));
        }
    }
}
