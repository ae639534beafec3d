package dev.satwatch.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.fit.ScheduleState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Curves generated exactly by {@code L = 2.6 + 0.45·S1^(−0.55) − 0.4·S2} at λ = 0.999 (the parameters of Tissue et
 * al. 2024 Fig. 2, rounded) under several schedules, logged every 100 steps, warmup 500 steps to a 3e-4 peak. The
 * law is recovered to the golden-section tolerance of {@code AnnealingFit} (α within ~1e-8, see
 * {@code AnnealingFitTest}), so predictions agree to well under 1e-6 relative.
 */
public class ScheduleBacktestTest {

    static final double PEAK = 3e-4;
    static final double FINAL = 3e-5;
    static final int WARMUP = 500;
    static final int LAMBDA_0999 = 4;

    private final ScheduleBacktest backtest = ScheduleBacktest.create();

    static double warm(double step, DoubleUnaryOperator after) {
        return step <= WARMUP ? PEAK * step / WARMUP : after.applyAsDouble(step);
    }

    static DoubleUnaryOperator constant() {
        return s -> warm(s, x -> PEAK);
    }

    static DoubleUnaryOperator cosine(int total) {
        return s ->
                warm(s, x -> FINAL + (PEAK - FINAL) * 0.5 * (1 + Math.cos(Math.PI * (x - WARMUP) / (total - WARMUP))));
    }

    static DoubleUnaryOperator wsd(int decayStart, int total) {
        return s ->
                warm(s, x -> x <= decayStart ? PEAK : PEAK + (FINAL - PEAK) * (x - decayStart) / (total - decayStart));
    }

    static DoubleUnaryOperator twoStage(int at, double second) {
        return s -> warm(s, x -> x <= at ? PEAK : second);
    }

    /** The run's points, every 100 steps to {@code total}, with the exact law's loss. */
    public static ScheduleBacktest.Run run(String id, DoubleUnaryOperator lr, int total) {
        ScheduleState state = new ScheduleState();
        List<LossPoint> points = new ArrayList<>();
        for (int step = 100; step <= total; step += 100) {
            double eta = lr.applyAsDouble(step);
            state.advance(step, eta);
            double loss = 2.6 + 0.45 * Math.pow(state.s1(), -0.55) - 0.4 * state.s2(LAMBDA_0999);
            points.add(new LossPoint(id, null, step, step * 1e6, loss, LossPoint.VAL, eta, RunMeta.EMPTY));
        }
        return new ScheduleBacktest.Run(id, points, 1e6);
    }

    /**
     * The run with its truth walked from LR 0 at step 0 (so the warmup is exactly linear from step 0), logged only
     * from {@code firstLogged} on, as runs that log after their warmup are (the multipowerlaw runs from step 2160).
     */
    public static ScheduleBacktest.Run runLoggedFrom(String id, DoubleUnaryOperator lr, int total, int firstLogged) {
        ScheduleState state = new ScheduleState();
        state.advance(0, 0);
        List<LossPoint> points = new ArrayList<>();
        for (int step = 100; step <= total; step += 100) {
            double eta = lr.applyAsDouble(step);
            state.advance(step, eta);
            if (step >= firstLogged) {
                double loss = 2.6 + 0.45 * Math.pow(state.s1(), -0.55) - 0.4 * state.s2(LAMBDA_0999);
                points.add(new LossPoint(id, null, step, step * 1e6, loss, LossPoint.VAL, eta, RunMeta.EMPTY));
            }
        }
        return new ScheduleBacktest.Run(id, points, 1e6);
    }

    /** {@link #setting()} logged from {@code firstLogged} on, its warmup ({@value #WARMUP} steps) not logged. */
    public static List<ScheduleBacktest.Run> settingLoggedFrom(int firstLogged) {
        return List.of(
                runLoggedFrom("constant", constant(), 20000, firstLogged),
                runLoggedFrom("cosine", cosine(20000), 20000, firstLogged),
                runLoggedFrom("cosine-long", cosine(60000), 60000, firstLogged),
                runLoggedFrom("wsd", wsd(16000, 20000), 20000, firstLogged),
                runLoggedFrom("two-stage", twoStage(8000, 9e-5), 16000, firstLogged));
    }

    public static List<ScheduleBacktest.Run> setting() {
        return List.of(
                run("constant", constant(), 20000),
                run("cosine", cosine(20000), 20000),
                run("constant-long", constant(), 60000),
                run("cosine-long", cosine(60000), 60000),
                run("wsd", wsd(16000, 20000), 20000),
                run("two-stage", twoStage(8000, 9e-5), 16000));
    }

    @Test
    void shouldRecoverTheLawFromConstantAndCosineAndPredictTheOtherSchedulesWholeCurves() {
        ScheduleBacktest.CrossReport r = backtest.crossSchedule(setting(), Set.of("constant", "cosine"), line -> {});

        assertThat(r.fitOn()).containsExactly("constant", "cosine");
        assertThat(r.law().lambdaIndex()).isEqualTo(LAMBDA_0999);
        assertThat(r.law().alpha()).isCloseTo(0.55, within(1e-6));
        assertThat(r.law().c()).isCloseTo(0.4, within(1e-5));
        assertThat(r.runs()).hasSize(6);
        assertThat(r.runs().stream().filter(ScheduleBacktest.CurveError::fitted))
                .hasSize(2);
        for (ScheduleBacktest.CurveError e : r.runs()) {
            assertThat(e.note()).isNull();
            assertThat(e.maxAbsRelErr()).as(e.runId()).isLessThan(1e-6);
        }
        // 3× the fitted horizon, a WSD decay and a two-stage drop: whole curves from the warmup's end, not only the
        // end.
        assertThat(r.runs().get(2).points()).isEqualTo(600 - 4);
        assertThat(r.meanAbsRelErr()).isLessThan(1e-7);
        assertThat(r.maxAbsRelErr()).isLessThan(1e-6);
    }

    @Test
    void shouldCountTheUnloggedWarmupLinearlyFromZeroWhenGivenItsLength() {
        // Logged from the warmup's end on, as the multipowerlaw runs (warmup 2160 steps, logged from step 2160).
        List<ScheduleBacktest.Run> runs = settingLoggedFrom(WARMUP);

        ScheduleBacktest.CrossReport warmed =
                backtest.withWarmupSteps(WARMUP).crossSchedule(runs, Set.of("constant", "cosine"), line -> {});
        ScheduleBacktest.CrossReport flat = backtest.crossSchedule(runs, Set.of("constant", "cosine"), line -> {});

        // With the warmup's length the sums are the truth's: the law is recovered and every curve predicted.
        assertThat(warmed.law().alpha()).isCloseTo(0.55, within(1e-6));
        assertThat(warmed.maxAbsRelErr()).isLessThan(1e-6);
        // Without it, the 500 warmup steps count at the peak LR: S1 too large by ~500 × 3e-4 / 2 (measured: mean
        // error 0.25 %).
        assertThat(flat.meanAbsRelErr()).isGreaterThan(1e-3);
        assertThat(backtest.warmupSteps()).isZero();
        assertThatThrownBy(() -> backtest.withWarmupSteps(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backtest.withWarmupSteps(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWarmUpOnlyToTheFirstLoggedStepWhenTheRunLogsDuringItsWarmup() {
        // Logged from step 100 (mid-warmup): a linear rise from 0 at step 0 to the LR at step 100 is the truth
        // there too, however long a warmup is given.
        List<ScheduleBacktest.Run> runs = settingLoggedFrom(100);

        ScheduleBacktest.CrossReport r =
                backtest.withWarmupSteps(5000).crossSchedule(runs, Set.of("constant", "cosine"), line -> {});

        assertThat(r.maxAbsRelErr()).isLessThan(1e-6);
    }

    @Test
    void shouldMissWhenTheFitSetHasNoDecay() {
        // Constant LR only: S2 ≡ 0 after warmup, C is not identified, and the decays cannot be predicted. The
        // backtest must say so (no law) rather than report a C of 0 as a prediction.
        ScheduleBacktest.CrossReport r = backtest.crossSchedule(setting(), Set.of("constant"), line -> {});

        assertThat(r.law().converged()).isFalse();
    }

    @Test
    void shouldPredictEachCosineRunsFinalLossFromItsFirstHalf() {
        List<ScheduleBacktest.Run> runs =
                List.of(run("cos-20k", cosine(20000), 20000), run("cos-60k", cosine(60000), 60000));
        List<String> lines = new ArrayList<>();

        ScheduleBacktest.PrefixReport r = backtest.prefix(runs, 0.5, lines::add);

        assertThat(r.runs()).hasSize(2);
        for (ScheduleBacktest.PrefixPrediction p : r.runs()) {
            assertThat(p.note()).isNull();
            assertThat(p.prefixStep()).isEqualTo(p.lastStep() / 2);
            // Points from the warmup's end (step 500) to half the run.
            assertThat(p.fitPoints()).isEqualTo((int) (p.lastStep() / 2 - WARMUP) / 100 + 1);
            assertThat(Math.abs(p.relErr())).as(p.runId()).isLessThan(1e-6);
            assertThat(p.predictedLow()).isLessThanOrEqualTo(p.predictedFinal());
            assertThat(p.predictedHigh()).isGreaterThanOrEqualTo(p.predictedFinal());
        }
        assertThat(r.meanAbsRelErr()).isLessThan(1e-6);
        assertThat(lines).hasSize(2);
    }

    @Test
    void shouldNotPredictRunsWithoutLrOrWithTooShortAPrefix() {
        List<LossPoint> noLr = new ArrayList<>();
        for (int step = 100; step <= 2000; step += 100) {
            noLr.add(new LossPoint(
                    "no-lr", null, step, Double.NaN, 3.0 - step * 1e-4, "val", Double.NaN, RunMeta.EMPTY));
        }
        List<ScheduleBacktest.Run> runs = List.of(
                new ScheduleBacktest.Run("no-lr", noLr, 0),
                run("short", cosine(1200), 1200),
                run("ok", cosine(20000), 20000));

        ScheduleBacktest.PrefixReport r = backtest.prefix(runs, 0.5, line -> {});

        assertThat(r.runs().get(0).note()).contains("no point logs an LR");
        assertThat(r.runs().get(1).note()).contains("points after the warmup");
        assertThat(r.runs().get(2).note()).isNull();
        assertThat(r.meanAbsRelErr()).isEqualTo(Math.abs(r.runs().get(2).relErr()));
    }

    @Test
    void shouldRejectAFitSetThatNamesNoInputRun() {
        assertThatThrownBy(() -> backtest.crossSchedule(setting(), Set.of("nope"), line -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none of the fit runs");
        assertThatThrownBy(() -> backtest.prefix(setting(), 1.0, line -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
