package dev.satwatch.stream;

import static dev.satwatch.stream.StreamingFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

import dev.satwatch.Satwatch;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunFinished;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.FitUpdateJson;
import dev.satwatch.serde.LawJson;
import dev.satwatch.sim.Fleet;
import dev.satwatch.sim.FleetSpec;
import dev.satwatch.sim.Scenario;
import dev.satwatch.sim.SimRun;
import dev.satwatch.sim.TimedEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The streaming app end to end on a real in-process KRaft broker: a simulated fleet in, fits and alerts out; the
 * last fit of a run equals {@code satwatch fit} on the same events; a restart (with kept or wiped local state)
 * neither loses nor repeats an alert transition; two instances share the partitions and one survives the other.
 *
 * <p>One broker for the class (Kafka keeps process-wide state); the satwatch topics have fixed names, so each test
 * starts from freshly deleted topics, with its own application id and state directories. Fleets are small (8–10
 * runs of about 100 points) to keep the class within a few minutes on two cores.
 */
class StreamingIT {

    private static final int POINTS_PER_RUN = 100;
    private static final Pattern FIT_OBJECT = Pattern.compile("\\{[^{}]*}");

    static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().partitions(4).build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @BeforeEach
    void freshTopics() throws Exception {
        StreamingFixture.deleteSatwatchTopics(kafka);
    }

    @Test
    void shouldEmitFitsAndAlertsForASimulatedFleet() throws Exception {
        List<SimRun> fleet = Fleet.generate(spec(10, FleetSpec.defaults(10).mix()), 11L);
        List<TimedEvent> events = Fleet.interleave(fleet);
        // STALLED after 3 s of silence: the stalling run's last event is followed by nothing at all.
        SatwatchConfig config = StreamingFixture.config(
                kafka, "streaming-fleet", dir.resolve("state"), writeLaws(fleet), Map.of("detect.stalled.after", "3s"));
        LossPoint repeated = (LossPoint) events.stream()
                .map(TimedEvent::event)
                .filter(e -> e instanceof LossPoint)
                .findFirst()
                .orElseThrow();

        StreamCounters counters = new StreamCounters();
        try (SatwatchApp app = SatwatchApp.start(config, counters);
                StreamingOutputs out = new StreamingOutputs(config)) {
            assertThat(app.awaitRunning(WAIT)).isTrue();
            StreamingFixture.publish(config, events);
            // A malformed record and a repeated point: each must still end as dead-lettered or duplicate.
            StreamingFixture.publishRaw(
                    config,
                    List.of(
                            Map.entry(repeated.runId(), "{\"type\":\"loss\",".getBytes(StandardCharsets.UTF_8)),
                            Map.entry(repeated.runId(), EventCodec.toJson(repeated))));

            out.awaitAsserted(o -> {
                for (SimRun run : fleet) {
                    assertThat(o.fitsOf(run.runId()))
                            .as("fits of %s", run.runId())
                            .isNotEmpty();
                    AlertType implied = impliedAlert(run.scenario());
                    if (implied != null) {
                        assertThat(o.alertsOf(run.runId()))
                                .as("alerts of %s run %s", run.scenario(), run.runId())
                                .anyMatch(a -> a.type() == implied && a.state() == Alert.State.OPEN);
                    }
                }
            });
            await().atMost(WAIT).until(() -> counters.input() == events.size() + 2L && counters.unaccounted() == 0);
            assertThat(counters.count(StreamCounters.Result.DEAD_LETTERED)).isEqualTo(1);
            assertThat(counters.count(StreamCounters.Result.DUPLICATE)).isEqualTo(1);
            assertThat(counters.count(StreamCounters.Result.ACCEPTED)).isEqualTo(events.size());
            assertThat(out.transitions()).doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldMatchTheOfflineFitForAReplayedFile() throws Exception {
        List<SimRun> fleet = Fleet.generate(spec(4, Map.of(Scenario.HEALTHY, 0.5, Scenario.SATURATING, 0.5)), 12L);
        List<TimedEvent> events = Fleet.interleave(fleet);
        SatwatchConfig config =
                StreamingFixture.config(kafka, "streaming-offline", dir.resolve("state"), null, Map.of());
        Map<String, Instant> finishedAt = events.stream()
                .map(TimedEvent::event)
                .filter(e -> e instanceof RunFinished)
                .collect(Collectors.toMap(e -> e.runId(), e -> ((RunFinished) e).ts()));
        assertThat(finishedAt).hasSize(fleet.size());

        Map<String, FitUpdate> streamed;
        try (SatwatchApp app = SatwatchApp.start(config, new StreamCounters());
                StreamingOutputs out = new StreamingOutputs(config)) {
            assertThat(app.awaitRunning(WAIT)).isTrue();
            StreamingFixture.publish(config, events);
            // A run's final fit is the one its run_finished triggered: it carries that event's time.
            out.awaitAsserted(o -> finishedAt.forEach(
                    (run, ts) -> assertThat(o.fitsOf(run)).as("fits of %s", run).anyMatch(f -> ts.equals(f.ts()))));
            streamed = out.lastFits();
        }

        Path file = dir.resolve("fleet.jsonl");
        Files.write(
                file,
                events.stream().map(e -> EventCodec.toJsonString(e.event())).toList());
        Map<String, FitUpdate> offline = offlineFit(file);

        assertThat(offline.keySet()).containsExactlyInAnyOrderElementsOf(finishedAt.keySet());
        for (FitUpdate expected : offline.values()) {
            FitUpdate actual = streamed.get(expected.runId());
            assertThat(actual.ts()).isEqualTo(finishedAt.get(expected.runId()));
            assertThat(actual.pointsUsed()).as("points_used").isEqualTo(expected.pointsUsed());
            assertThat(expected.converged()).isTrue();
            // 1e-9 relative (withinPercentage takes percent): the same estimator on the same points, cold started.
            assertThat(actual.alpha()).as("alpha").isCloseTo(expected.alpha(), withinPercentage(1e-7));
            assertThat(actual.e()).as("e").isCloseTo(expected.e(), withinPercentage(1e-7));
            assertThat(actual.b()).as("b").isCloseTo(expected.b(), withinPercentage(1e-7));
        }
    }

    @Test
    void shouldRestoreStateAfterARestartWithNoAlertLostOrDoubled() throws Exception {
        List<SimRun> fleet = Fleet.generate(spec(8, noStalling()), 13L);
        List<TimedEvent> events = Fleet.interleave(fleet);
        Path laws = writeLaws(fleet);
        String appId = "streaming-restart";
        Path kept = dir.resolve("state-kept");
        SatwatchConfig config = StreamingFixture.config(kafka, appId, kept, laws, Map.of());
        StreamingReference reference = StreamingReference.of(config, readLaws(laws), events);
        int half = events.size() / 2;
        int threeQuarters = events.size() * 3 / 4;

        // First half, then a clean close.
        runUntilProcessed(config, events.subList(0, half));
        // Same application id and state directory: the stores are reopened where they were.
        runUntilProcessed(config, events.subList(half, threeQuarters));
        // Same application id, empty state directory: the stores are restored from their changelogs.
        SatwatchConfig wiped = StreamingFixture.config(kafka, appId, dir.resolve("state-wiped"), laws, Map.of());
        runUntilProcessed(wiped, events.subList(threeQuarters, events.size()));

        try (StreamingOutputs out = new StreamingOutputs(config)) {
            out.awaitAsserted(o -> assertThat(o.fits()).hasSameSizeAs(reference.fits()));
            assertThat(reference.alerts()).isNotEmpty();
            assertThat(out.transitions()).doesNotHaveDuplicates();
            assertThat(out.transitions()).containsExactlyInAnyOrderElementsOf(reference.transitions());
            assertThat(out.fits()).containsExactlyInAnyOrderElementsOf(reference.fits());
        }
    }

    @Test
    void shouldShareThePartitionsBetweenTwoInstancesAndSurviveOneStopping() throws Exception {
        // Ten runs: their ids (sim-0001..sim-0010) hash onto all four partitions, so each instance has runs to do.
        List<SimRun> fleet = Fleet.generate(spec(10, noStalling()), 14L);
        List<TimedEvent> events = Fleet.interleave(fleet);
        Path laws = writeLaws(fleet);
        String appId = "streaming-pair";
        SatwatchConfig first = StreamingFixture.config(kafka, appId, dir.resolve("state-a"), laws, Map.of());
        SatwatchConfig second = StreamingFixture.config(kafka, appId, dir.resolve("state-b"), laws, Map.of());
        StreamingReference reference = StreamingReference.of(first, readLaws(laws), events);
        int half = events.size() / 2;

        StreamCounters a = new StreamCounters();
        StreamCounters b = new StreamCounters();
        try (SatwatchApp appA = SatwatchApp.start(first, a);
                SatwatchApp appB = SatwatchApp.start(second, b);
                StreamingOutputs out = new StreamingOutputs(first)) {
            // Both running, each with some event partitions, together all of them: the assignment has settled.
            await().atMost(WAIT).until(() -> {
                Set<Integer> ofA = eventPartitions(appA);
                Set<Integer> ofB = eventPartitions(appB);
                Set<Integer> all = new HashSet<>(ofA);
                all.addAll(ofB);
                return !ofA.isEmpty() && !ofB.isEmpty() && all.size() == first.topicPartitions();
            });

            StreamingFixture.publish(first, events.subList(0, half));
            await().atMost(WAIT).until(() -> a.input() + b.input() >= half);
            assertThat(a.input()).as("instance A's share").isPositive();
            assertThat(b.input()).as("instance B's share").isPositive();
            assertThat(StreamingFixture.closeLeavingGroup(appB)).isTrue();

            StreamingFixture.publish(first, events.subList(half, events.size()));
            out.awaitAsserted(
                    o -> assertThat(o.lastFits()).containsExactlyInAnyOrderEntriesOf(lastFits(reference.fits())));
            await().atMost(WAIT)
                    .until(() -> a.input() + b.input() >= events.size() && a.unaccounted() + b.unaccounted() == 0);

            // A clean close commits before the tasks move, so nothing is read twice: the raw counters reconcile.
            assertThat(a.input() + b.input()).isEqualTo(events.size());
            assertThat(a.count(StreamCounters.Result.ACCEPTED) + b.count(StreamCounters.Result.ACCEPTED))
                    .isEqualTo(events.size());
            assertThat(out.transitions()).doesNotHaveDuplicates();
            assertThat(out.transitions()).containsExactlyInAnyOrderElementsOf(reference.transitions());
            assertThat(out.fits()).containsExactlyInAnyOrderElementsOf(reference.fits());
        }
    }

    /** Starts an app, publishes {@code part}, waits until all of it is accounted for, and closes the app cleanly. */
    private static void runUntilProcessed(SatwatchConfig config, List<TimedEvent> part) throws Exception {
        StreamCounters counters = new StreamCounters();
        try (SatwatchApp app = SatwatchApp.start(config, counters)) {
            assertThat(app.awaitRunning(WAIT)).isTrue();
            StreamingFixture.publish(config, part);
            await().atMost(WAIT).until(() -> counters.input() >= part.size() && counters.unaccounted() == 0);
            assertThat(StreamingFixture.closeLeavingGroup(app)).isTrue();
            // The previous instance committed on its clean close, so this one read nothing twice.
            assertThat(counters.input()).isEqualTo(part.size());
        }
    }

    /** The {@code satwatch.events} partitions of the instance's active tasks; empty unless it is RUNNING. */
    private static Set<Integer> eventPartitions(SatwatchApp app) {
        if (app.state() != KafkaStreams.State.RUNNING) {
            return Set.of();
        }
        return app.streams().metadataForLocalThreads().stream()
                .flatMap(t -> t.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream())
                .filter(tp -> tp.topic().equals(Topics.EVENTS.name()))
                .map(TopicPartition::partition)
                .collect(Collectors.toSet());
    }

    private static Map<String, FitUpdate> lastFits(List<FitUpdate> fits) {
        Map<String, FitUpdate> last = new LinkedHashMap<>();
        for (FitUpdate f : fits) {
            last.merge(f.runId(), f, (x, y) -> y.sequence() > x.sequence() ? y : x);
        }
        return last;
    }

    /** The alert each scenario must raise, given a law for its setting; null when none is implied. */
    private static AlertType impliedAlert(Scenario scenario) {
        return switch (scenario) {
            case DIVERGING -> AlertType.DIVERGENCE;
            case STALLING -> AlertType.STALLED;
            case SPIKING -> AlertType.LOSS_SPIKE;
            case SATURATING -> AlertType.EXPONENT_BELOW_PREDICTION;
            default -> null;
        };
    }

    private static FleetSpec spec(int runs, Map<Scenario, Double> mix) {
        return FleetSpec.defaults(runs).withMix(mix).withPointsPerRun(POINTS_PER_RUN);
    }

    /** The default mix without STALLING, whose wall-clock alert would depend on timing. */
    private static Map<Scenario, Double> noStalling() {
        Map<Scenario, Double> mix = new HashMap<>(FleetSpec.defaults(1).mix());
        mix.remove(Scenario.STALLING);
        return mix;
    }

    /** Writes each setting's true law to a law file, so the app knows the predicted exponents from the start. */
    private Path writeLaws(List<SimRun> fleet) throws Exception {
        Map<String, LawJson.Entry> bySetting = new LinkedHashMap<>();
        for (SimRun run : fleet) {
            bySetting.putIfAbsent(
                    run.meta().setting(), LawJson.Entry.of(run.meta().setting(), run.law()));
        }
        Path file = dir.resolve("laws.json");
        LawJson.write(file, bySetting.values());
        return file;
    }

    /** The laws as the app reads them from the file. */
    private static Map<String, ReuseLaw> readLaws(Path file) throws Exception {
        return LawJson.read(file).values().stream()
                .collect(Collectors.toMap(LawJson.Entry::setting, LawJson.Entry::law));
    }

    /**
     * {@code satwatch fit --input FILE --json} in-process, each run's object read back with the fit-update parser
     * (its fields are a superset of a fit update's, less the sequence, which is set to 0).
     */
    private static Map<String, FitUpdate> offlineFit(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Satwatch.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("fit", "--input", file.toString(), "--json");
        assertThat(code).as(err.toString()).isZero();
        List<FitUpdate> fits = new ArrayList<>();
        Matcher m = FIT_OBJECT.matcher(out.toString());
        while (m.find()) {
            String object = "{\"sequence\":0," + m.group().substring(1);
            fits.add(FitUpdateJson.parse(object.getBytes(StandardCharsets.UTF_8)));
        }
        return fits.stream().collect(Collectors.toMap(FitUpdate::runId, Function.identity()));
    }
}
