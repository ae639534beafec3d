package dev.satwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunFinished;
import dev.satwatch.law.CalibrationRun;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.CalibrationRunJson;
import dev.satwatch.serde.LawJson;
import dev.satwatch.sim.SyntheticRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Laws in and out of the topology: the global laws store feeds predictions; finished runs calibrate a law. */
class SatwatchTopologyLawTest {

    private static final ReuseLaw TRUE_LAW = new ReuseLaw(1.5, 0.1, 0.43, 0.03, 1.8);

    @TempDir
    Path stateDir;

    private TopologyHarness h;

    @BeforeEach
    void start() {
        h = new TopologyHarness(SatwatchConfig.defaults(), stateDir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void shouldUseALawPublishedMidRunForTheNextFitsPrediction() {
        SyntheticRun run = SyntheticRun.typical("law-run", TRUE_LAW, 300e9, 20e9, 31);
        List<LossPoint> points = run.points(0.9);
        h.send(run.started(h.now()));
        points.subList(0, 200).forEach(h::send);
        List<FitUpdate> before = h.takeFits();
        assertThat(before).isNotEmpty();
        assertThat(before.get(before.size() - 1).alphaPredicted())
                .as("no law yet")
                .isNaN();

        h.publishLaw(run.setting(), TRUE_LAW);
        points.subList(200, points.size()).forEach(h::send);

        List<FitUpdate> after = h.takeFits();
        assertThat(after).isNotEmpty();
        // alpha_predicted = alpha2 - alpha3 * ln(D1 / 1e9) = 0.43 - 0.03 * ln 300 = 0.2589.
        assertThat(after.get(0).alphaPredicted()).isCloseTo(TRUE_LAW.alphaAt(300), within(1e-12));
    }

    @Test
    void shouldRecalculatePredictionWhenTheLawChangesAndSweepsRun() {
        SyntheticRun run = SyntheticRun.typical("law-change", TRUE_LAW, 300e9, 20e9, 32);
        h.publishLaw(run.setting(), TRUE_LAW);
        h.send(run.started(h.now()));
        run.points(0.7).forEach(h::send);
        h.takeFits();
        ReuseLaw steeper = new ReuseLaw(1.5, 0.1, 0.60, 0.03, 1.8);

        h.publishLaw(run.setting(), steeper);
        h.advance(h.config.punctuationInterval());

        List<FitUpdate> refits = h.takeFits();
        assertThat(refits)
                .as("the sweep applies a changed law without waiting for an event")
                .isNotEmpty();
        assertThat(refits.get(refits.size() - 1).alphaPredicted()).isCloseTo(steeper.alphaAt(300), within(1e-12));
    }

    @Test
    void shouldPublishACalibratedLawOnceASettingHasEnoughFinishedRuns() throws Exception {
        double[] d1 = {50e9, 150e9, 400e9, 1000e9};
        for (int i = 0; i < d1.length; i++) {
            SyntheticRun run = SyntheticRun.typical("cal-" + i, TRUE_LAW, d1[i], 20e9, 40 + i);
            h.send(run.started(h.now()));
            run.points(0.85).forEach(h::send);
            h.send(new RunFinished(run.runId(), h.now(), "completed"));
        }

        List<LawJson.Entry> laws = h.takePublishedLaws();

        // Defaults law.min.runs = 4 over law.min.distinct.d1 = 3: the first three finished runs publish nothing,
        // the fourth publishes (its leave-one-out error is well under 2 %).
        assertThat(laws).hasSize(1);
        LawJson.Entry latest = laws.get(0);
        assertThat(latest.setting()).isEqualTo("synthetic");
        assertThat(latest.runsUsed()).isEqualTo(4);
        assertThat(latest.law().hasCovariance())
                .as("published with its full covariance")
                .isTrue();
        // Four runs, 0.3 % noise, binned stable-phase points: alpha(D1) within 0.03 of the truth across the range,
        // and inside its own 95 % interval.
        for (double d : d1) {
            double billions = ReuseLaw.billions(d);
            assertThat(latest.law().alphaAt(billions)).isCloseTo(TRUE_LAW.alphaAt(billions), within(0.03));
            assertThat(latest.law().alphaStdErr(billions)).isPositive();
        }
        assertThat(h.counters.lawsPublished()).isEqualTo(1);
    }

    @Test
    void shouldNotPublishALawFromFourRunsOverOnlyTwoDistinctD1() throws Exception {
        double[] d1 = {50e9, 50e9, 400e9, 400e9};
        for (int i = 0; i < d1.length; i++) {
            SyntheticRun run = SyntheticRun.typical("two-d1-" + i, TRUE_LAW, d1[i], 20e9, 80 + i);
            h.send(run.started(h.now()));
            run.points(0.85).forEach(h::send);
            h.send(new RunFinished(run.runId(), h.now(), "completed"));
        }

        assertThat(h.takePublishedLaws())
                .as("2 distinct D1 < law.min.distinct.d1 3")
                .isEmpty();
        assertThat(h.counters.lawsPublished()).isZero();
    }

    @Test
    void shouldNotPublishALawWhoseLeaveOneOutErrorIsTooLarge() throws Exception {
        // Four runs of four different laws (E from 1.2 to 3.0): no joint law predicts a held-out run within 2 %.
        double[] d1 = {50e9, 150e9, 400e9, 1000e9};
        double[] e = {3.0, 1.2, 2.6, 1.5};
        for (int i = 0; i < d1.length; i++) {
            ReuseLaw law = new ReuseLaw(1.5, 0.1, 0.43, 0.03, e[i]);
            SyntheticRun run = SyntheticRun.typical("mixed-" + i, law, d1[i], 20e9, 90 + i);
            h.send(run.started(h.now()));
            run.points(0.85).forEach(h::send);
            h.send(new RunFinished(run.runId(), h.now(), "completed"));
        }

        assertThat(h.takePublishedLaws()).isEmpty();
    }

    @Test
    void shouldKeepOnlyTheNewestFinishedRunsOfASettingForCalibration(@TempDir Path otherDir) throws Exception {
        SatwatchConfig bounded = SatwatchConfigLoader.create()
                .withOverrides(Map.of(
                        "calibration.max.runs", "3",
                        "law.min.runs", "3",
                        // This test is about the window of kept runs, not the leave-one-out gate.
                        "law.publish.max.loo.error", "off"))
                .load();
        try (TopologyHarness small = new TopologyHarness(bounded, otherDir)) {
            double[] d1 = {50e9, 150e9, 400e9, 1000e9};
            for (int i = 0; i < d1.length; i++) {
                SyntheticRun run = SyntheticRun.typical("kept-" + i, TRUE_LAW, d1[i], 20e9, 60 + i);
                small.send(run.started(small.now()));
                run.points(0.85).forEach(small::send);
                small.send(new RunFinished(run.runId(), small.now(), "completed"));
            }

            KeyValueStore<String, byte[]> store = small.driver.getKeyValueStore(StreamNames.CALIBRATION_STORE);
            List<CalibrationRun> kept = CalibrationRunJson.parseList(store.get("synthetic"));
            assertThat(kept).extracting(CalibrationRun::runId).containsExactly("kept-1", "kept-2", "kept-3");
            List<LawJson.Entry> laws = small.takePublishedLaws();
            assertThat(laws).extracting(LawJson.Entry::runsUsed).containsExactly(3, 3);
        }
    }
}
