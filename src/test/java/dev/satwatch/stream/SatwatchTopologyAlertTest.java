package dev.satwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.sim.Fleet;
import dev.satwatch.sim.FleetSpec;
import dev.satwatch.sim.Scenario;
import dev.satwatch.sim.SimRun;
import dev.satwatch.sim.SyntheticRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each alert type opens and resolves through the real tracker, driven by simulated runs ({@link Fleet}, seeded)
 * through the whole topology. Every open alert resolves when its run finishes (the tracker's contract), so each test
 * finishes the run and expects the matching RESOLVED transition with the same sequence.
 */
class SatwatchTopologyAlertTest {

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

    private static SimRun simulate(Scenario scenario, long seed) {
        FleetSpec spec = new FleetSpec(
                1, 1, Map.of(scenario, 1.0), 200, 0.003, TopologyHarness.START, Duration.ZERO, Duration.ofSeconds(30));
        return Fleet.generate(spec, seed).get(0);
    }

    @Test
    void shouldOpenAndResolveDivergenceOnADivergingRun() {
        SimRun run = simulate(Scenario.DIVERGING, 21);
        h.publishLaw(run.meta().setting(), run.law());
        h.sendAll(run.events());

        assertOpenedThenResolved(h.takeAlerts(), AlertType.DIVERGENCE);
    }

    @Test
    void shouldOpenAndResolveLossSpikeOnASpikingRun() {
        SimRun run = simulate(Scenario.SPIKING, 22);
        h.publishLaw(run.meta().setting(), run.law());
        h.sendAll(run.events());

        assertOpenedThenResolved(h.takeAlerts(), AlertType.LOSS_SPIKE);
    }

    @Test
    void shouldOpenStalledWhenTheWallClockPassesWithoutEventsAndResolveItWhenTheRunFinishes() {
        SimRun run = simulate(Scenario.STALLING, 23);
        h.sendAll(run.events());
        assertThat(h.takeAlerts()).extracting(Alert::type).doesNotContain(AlertType.STALLED);

        h.advance(h.config.tracker().detect().stalledAfter().plus(h.config.punctuationInterval()));
        List<Alert> afterSilence = h.takeAlerts();
        assertThat(afterSilence)
                .filteredOn(a -> a.type() == AlertType.STALLED && a.state() == Alert.State.OPEN)
                .hasSize(1);

        h.send(new RunFinished(run.runId(), h.now(), "completed"));
        assertThat(h.takeAlerts())
                .filteredOn(a -> a.type() == AlertType.STALLED && a.state() == Alert.State.RESOLVED)
                .hasSize(1);
    }

    @Test
    void shouldOpenAndResolveExponentBelowPredictionOnASaturatingRun() {
        SimRun run = simulate(Scenario.SATURATING, 24);
        h.publishLaw(run.meta().setting(), run.law());
        h.sendAll(run.events());

        assertOpenedThenResolved(h.takeAlerts(), AlertType.EXPONENT_BELOW_PREDICTION);
    }

    @Test
    void shouldOpenDiminishingReturnsWithTokensSavedWhenTheCurveIsFlat() {
        // alpha(300B) = 0.321 - 0.03 * ln 300 = 0.15 and B = 0.5: the gain per billion tokens, alpha * (L - E) / D2,
        // falls under the 5e-4 default threshold near 70B tokens, with most of the 200B budget left to save.
        ReuseLaw flat = new ReuseLaw(0.5, 0.0, 0.321, 0.03, 1.8);
        SyntheticRun run = SyntheticRun.typical("flat", flat, 300e9, 200e9, 26);
        // With the setting's law known the tracker also fits with the law's E fixed, which one decade of D2 needs.
        h.publishLaw(run.setting(), flat);
        h.send(run.started(h.now()));
        run.points(0.8).forEach(h::send);
        h.send(new RunFinished("flat", h.now(), "stopped"));

        List<Alert> alerts = h.takeAlerts();
        assertOpenedThenResolved(alerts, AlertType.DIMINISHING_RETURNS);
        Alert opened = alerts.stream()
                .filter(a -> a.type() == AlertType.DIMINISHING_RETURNS)
                .findFirst()
                .orElseThrow();
        assertThat(opened.tokensSaved()).isPositive();
    }

    @Test
    void shouldOpenBaseOvertrainedAtRunStartWhenTheLawPredictsASaturatedBase() {
        // alpha(D1) = 0.30 - 0.05 * ln(2000) = -0.08: below the 0.05 floor, reuse cannot pay off.
        ReuseLaw law = new ReuseLaw(1.5, 0.1, 0.30, 0.05, 1.8);
        h.publishLaw("overtrained", law);
        RunMeta meta = new RunMeta("overtrained", "base", 2000e9, 1e9, 20e9, 4L << 20);
        h.send(new RunStarted("ot-run", h.now(), meta));
        List<Alert> opened = h.takeAlerts();
        h.send(new RunFinished("ot-run", h.now(), "completed"));

        assertThat(opened)
                .extracting(Alert::type, Alert::state)
                .contains(org.assertj.core.groups.Tuple.tuple(AlertType.BASE_OVERTRAINED, Alert.State.OPEN));
        assertOpenedThenResolved(concat(opened, h.takeAlerts()), AlertType.BASE_OVERTRAINED);
    }

    @Test
    void shouldNotRecommendAStopOnAVeryNoisyRunThatIsStillImproving() {
        ReuseLaw law = new ReuseLaw(1.5, 0.1, 0.43, 0.03, 1.8);
        SyntheticRun typical = SyntheticRun.typical("noisy", law, 300e9, 20e9, 25);
        // 15 % multiplicative noise on a healthy run: the bound on the loss given up stays wide, so no stop.
        SyntheticRun noisy = new SyntheticRun(
                typical.runId(),
                typical.setting(),
                law,
                typical.d1Tokens(),
                typical.targetD2Tokens(),
                typical.tokensPerStep(),
                typical.evalEverySteps(),
                typical.peakLr(),
                typical.warmupFraction(),
                typical.decayFraction(),
                typical.annealBonus(),
                0.15,
                typical.seed());
        h.send(noisy.started(h.now()));
        noisy.points(0.8).forEach(h::send);
        h.send(new RunFinished("noisy", h.now(), "completed"));

        assertThat(h.takeAlerts())
                .filteredOn(a -> a.type() == AlertType.DIMINISHING_RETURNS)
                .isEmpty();
    }

    private static List<Alert> concat(List<Alert> a, List<Alert> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static void assertOpenedThenResolved(List<Alert> alerts, AlertType type) {
        List<Alert> ofType = alerts.stream().filter(a -> a.type() == type).toList();
        assertThat(ofType).as("%s transitions in %s", type, alerts).isNotEmpty();
        Alert first = ofType.get(0);
        assertThat(first.state()).isEqualTo(Alert.State.OPEN);
        assertThat(first.message()).isNotBlank();
        Alert last = ofType.get(ofType.size() - 1);
        assertThat(last.state()).isEqualTo(Alert.State.RESOLVED);
        assertThat(ofType.stream().filter(a -> a.state() == Alert.State.OPEN).count())
                .as("every opening has its resolve")
                .isEqualTo(ofType.stream()
                        .filter(a -> a.state() == Alert.State.RESOLVED)
                        .count());
    }
}
