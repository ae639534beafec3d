package dev.satwatch.law;

import static dev.satwatch.law.SyntheticFleet.D1;
import static dev.satwatch.law.SyntheticFleet.TRUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LawCalibratorTest {

    @Test
    void shouldTakeTheSettingsCooldownCAsTheMedianOfItsDecayedRunsPositiveC() {
        double[] d2 = {1, 2, 3};
        double[] loss = {2.5, 2.4, 2.35};
        CalibrationRun constantLr = CalibrationRun.of("constant", 300, d2, loss);
        List<CalibrationRun> runs = new ArrayList<>();
        runs.add(constantLr);
        runs.add(constantLr.withAnnealingC(0.5));
        runs.add(constantLr.withAnnealingC(0.2));
        runs.add(constantLr.withAnnealingC(-0.1));
        runs.add(constantLr.withAnnealingC(Double.POSITIVE_INFINITY));
        runs.add(null);

        assertThat(LawCalibrator.cooldownC(runs)).isEqualTo(0.35);
        runs.add(constantLr.withAnnealingC(0.3));
        assertThat(LawCalibrator.cooldownC(runs)).isEqualTo(0.3);
        assertThat(LawCalibrator.cooldownC(List.of(constantLr))).isNaN();
        assertThat(LawCalibrator.cooldownC(List.of())).isNaN();
    }

    /** 0.3 % multiplicative noise, 40 points per run over D2 = 0.5…100 billion tokens. */
    private static final double NOISE = 0.003;

    private static final int POINTS = 40;

    private static List<CalibrationRun> fleet(long seed) {
        return SyntheticFleet.fleet(TRUTH, D1, POINTS, NOISE, seed);
    }

    @Test
    void shouldRecoverEachConstantWithinFourStandardErrorsAndOnePercentOfTruth() {
        LawFit fit = LawCalibrator.create().fit(fleet(1));

        assertThat(fit.converged()).isTrue();
        assertThat(fit.runsUsed()).isEqualTo(D1.length);
        assertThat(fit.points()).isEqualTo(D1.length * POINTS);
        ReuseLaw law = fit.law();
        LawStdErr se = fit.stdErr();
        // Printed for BENCHMARKS.md (the recovered constants of the synthetic fleet, seed 1).
        System.out.printf(
                java.util.Locale.ROOT,
                "law recovery seed 1: A=%.4f±%.4f alpha1=%.5f±%.5f alpha2=%.5f±%.5f alpha3=%.6f±%.6f E=%.4f±%.4f"
                        + " rmse=%.5f (truth %s)%n",
                law.a(),
                se.a(),
                law.alpha1(),
                se.alpha1(),
                law.alpha2(),
                se.alpha2(),
                law.alpha3(),
                se.alpha3(),
                law.e(),
                se.e(),
                fit.rmse(),
                TRUTH);
        // Four standard errors: a correct estimator with honest errors fails this about once in 15,000.
        assertThat(law.a()).isCloseTo(TRUTH.a(), within(4 * se.a()));
        assertThat(law.alpha1()).isCloseTo(TRUTH.alpha1(), within(4 * se.alpha1()));
        assertThat(law.alpha2()).isCloseTo(TRUTH.alpha2(), within(4 * se.alpha2()));
        assertThat(law.alpha3()).isCloseTo(TRUTH.alpha3(), within(4 * se.alpha3()));
        assertThat(law.e()).isCloseTo(TRUTH.e(), within(4 * se.e()));
        // And the errors themselves are small: each constant within 1 % of the truth.
        assertThat(law.a()).isCloseTo(TRUTH.a(), within(0.01 * TRUTH.a()));
        assertThat(law.alpha1()).isCloseTo(TRUTH.alpha1(), within(0.01 * TRUTH.alpha1()));
        assertThat(law.alpha2()).isCloseTo(TRUTH.alpha2(), within(0.01 * TRUTH.alpha2()));
        assertThat(law.alpha3()).isCloseTo(TRUTH.alpha3(), within(0.01 * TRUTH.alpha3()));
        assertThat(law.e()).isCloseTo(TRUTH.e(), within(0.01 * TRUTH.e()));
        // The log residuals are the injected noise: RMS close to σ = 0.003.
        assertThat(fit.rmse()).isBetween(0.0025, 0.0035);
        assertThat(fit.starts()).isEqualTo(8);
        assertThat(fit.iterations()).isPositive();
    }

    @Test
    void shouldPredictTheD2ExponentWithinOneHundredthAcrossTheD1Range() {
        ReuseLaw law = LawCalibrator.create().fit(fleet(2)).law();

        for (double d1 = 10; d1 <= 2000; d1 *= 1.25) {
            assertThat(TRUTH.alphaAt(d1)).as("truth stays positive").isPositive();
            assertThat(law.alphaAt(d1)).as("alpha at D1=%s", d1).isCloseTo(TRUTH.alphaAt(d1), within(0.01));
        }
    }

    @Test
    void shouldReportStandardErrorsMatchingTheScatterOfEstimatesAcrossSeeds() {
        int seeds = 30;
        double[] alpha3 = new double[seeds];
        double meanSe = 0;
        for (int s = 0; s < seeds; s++) {
            LawFit fit = LawCalibrator.create().fit(fleet(100 + s));
            alpha3[s] = fit.law().alpha3();
            meanSe += fit.stdErr().alpha3() / seeds;
        }
        double mean = 0;
        for (double v : alpha3) {
            mean += v / seeds;
        }
        double var = 0;
        for (double v : alpha3) {
            var += (v - mean) * (v - mean) / (seeds - 1);
        }
        // With 30 seeds the sample SD is within ±30 % of the true SD with ~95 % probability; the
        // reported error must agree to that precision (measured ratio ≈ 1.1).
        assertThat(Math.sqrt(var) / meanSe).isBetween(0.7, 1.4);
        assertThat(mean).isCloseTo(TRUTH.alpha3(), within(3 * meanSe / Math.sqrt(seeds)));
    }

    @Test
    void shouldGiveAlphaAtD1AStandardErrorFromTheFullCovarianceMatchingTheScatterAcrossSeeds() {
        int seeds = 30;
        double d1 = 300;
        double[] alpha = new double[seeds];
        double meanSe = 0;
        double meanDiagonalOnlySe = 0;
        int covered = 0;
        for (int s = 0; s < seeds; s++) {
            ReuseLaw law = LawCalibrator.create().fit(fleet(100 + s)).law();
            alpha[s] = law.alphaAt(d1);
            meanSe += law.alphaStdErr(d1) / seeds;
            double x = Math.log(d1);
            meanDiagonalOnlySe += Math.sqrt(Math.pow(law.covariance().stdErr(LawCovariance.ALPHA2), 2)
                            + x * x * Math.pow(law.alpha3StdErr(), 2))
                    / seeds;
            LawInterval ci = law.alphaInterval(d1);
            if (ci.low() <= TRUTH.alphaAt(d1) && TRUTH.alphaAt(d1) <= ci.high()) {
                covered++;
            }
        }
        double mean = 0;
        for (double v : alpha) {
            mean += v / seeds;
        }
        double var = 0;
        for (double v : alpha) {
            var += (v - mean) * (v - mean) / (seeds - 1);
        }
        // 30 seeds: the sample SD is within ±30 % of the true SD with ~95 % probability.
        assertThat(Math.sqrt(var) / meanSe).isBetween(0.7, 1.4);
        System.out.printf(
                java.util.Locale.ROOT,
                "alpha(300) over %d seeds: sample SD %.3g, mean full-covariance SE %.3g, diagonal-only SE %.3g,"
                        + " covered %d%n",
                seeds,
                Math.sqrt(var),
                meanSe,
                meanDiagonalOnlySe,
                covered);
        // Measured (these seeds): sample SD 0.00106 vs mean SE 0.000916 (ratio 1.16, the ~10 % understatement the
        // α3 test above also sees), so the nominal 95 % interval covered 25 of 30. Asserted: at least 23 (77 %).
        assertThat(covered).isGreaterThanOrEqualTo(23);
        // Measured: the diagonal-only error (dropping Cov(α2, α3) > 0 here) is 1.87× the right one. Asserted: > 1.4×.
        assertThat(meanDiagonalOnlySe).isGreaterThan(1.4 * meanSe);
    }

    @Test
    void shouldCarryASymmetricCovarianceWhoseDiagonalGivesTheStandardErrors() {
        LawFit fit = LawCalibrator.create().fit(fleet(1));
        LawCovariance cov = fit.law().covariance();

        assertThat(cov.known()).isTrue();
        assertThat(cov.dof()).isEqualTo(fit.points() - 5);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                assertThat(cov.get(i, j)).isEqualTo(cov.get(j, i));
            }
        }
        LawStdErr se = fit.stdErr();
        assertThat(cov.stdErr(LawCovariance.A)).isEqualTo(se.a());
        assertThat(cov.stdErr(LawCovariance.ALPHA1)).isEqualTo(se.alpha1());
        assertThat(cov.stdErr(LawCovariance.ALPHA2)).isEqualTo(se.alpha2());
        assertThat(cov.stdErr(LawCovariance.ALPHA3)).isEqualTo(se.alpha3());
        assertThat(cov.stdErr(LawCovariance.E)).isEqualTo(se.e());
        assertThat(fit.law().alpha3Sign()).isEqualTo(Alpha3Sign.SATURATION);
    }

    @Test
    void shouldGiveTheSameLeaveOneOutPredictionsWarmStartedAsFromAFullMultiStart() {
        List<CalibrationRun> runs = fleet(3);
        LawCalibrator calibrator = LawCalibrator.create();

        List<LeaveOneOut> warm = calibrator.leaveOneOut(runs, true);
        List<LeaveOneOut> cold = calibrator.leaveOneOut(runs, false);

        assertThat(warm).hasSameSizeAs(cold);
        double worst = 0;
        for (int i = 0; i < warm.size(); i++) {
            worst = Math.max(
                    worst,
                    Math.abs(warm.get(i).predictedFinalLoss() - cold.get(i).predictedFinalLoss())
                            / cold.get(i).predictedFinalLoss());
        }
        System.out.printf(java.util.Locale.ROOT, "leave-one-out warm vs cold: worst relative gap %.2e%n", worst);
        // Both converge to the same optimum of each held-out fleet; LM stops at ~1e-10 relative cost changes.
        assertThat(worst).isLessThan(1e-6);
    }

    @Test
    void shouldFindTheOptimumFromStartsThatAreAllInABadRegion() {
        List<CalibrationRun> runs = fleet(1);
        List<LawStart> bad = new ArrayList<>();
        // Every start is far off: wrong sign or 5–20× the true exponents, E at either end.
        for (double lnA : new double[] {-2, 5}) {
            for (double a1 : new double[] {0.8, 1.2}) {
                for (double a2 : new double[] {1.5, 2.5}) {
                    for (double a3 : new double[] {-0.1, 0.2}) {
                        for (double ef : new double[] {0.01, 0.99}) {
                            bad.add(new LawStart(lnA, a1, a2, a3, ef));
                        }
                    }
                }
            }
        }
        LawFit reference = LawCalibrator.create().fit(runs);

        LawFit fromBad = LawCalibrator.create().withStarts(bad, false).fit(runs);

        assertThat(fromBad.converged()).isTrue();
        assertThat(fromBad.starts()).isEqualTo(4);
        assertThat(fromBad.rmse()).isCloseTo(reference.rmse(), within(1e-8));
        assertThat(fromBad.law().alpha2()).isCloseTo(reference.law().alpha2(), within(1e-5));
        assertThat(fromBad.law().alpha3()).isCloseTo(reference.law().alpha3(), within(1e-6));
        assertThat(fromBad.law().e()).isCloseTo(reference.law().e(), within(1e-4));
    }

    @Test
    void shouldShrugOffLossSpikesThatPullAPlainLeastSquaresFit() {
        SplittableRandom random = new SplittableRandom(7);
        List<CalibrationRun> spiky = new ArrayList<>();
        for (CalibrationRun run : fleet(1)) {
            double[] loss = run.loss();
            for (int i = 0; i < loss.length; i++) {
                if (random.nextDouble() < 0.05) {
                    loss[i] *= 1.10; // a 10 % loss spike on about 5 % of the points
                }
            }
            spiky.add(CalibrationRun.of(run.runId(), run.d1(), run.d2(), loss));
        }

        ReuseLaw huber = LawCalibrator.create().fit(spiky).law();
        ReuseLaw leastSquares =
                LawCalibrator.create().withHuberDelta(10).fit(spiky).law();

        // Measured: Huber stays within 0.001 of the true α(D1); least squares drifts by ~0.009.
        for (double d1 : D1) {
            assertThat(huber.alphaAt(d1)).isCloseTo(TRUTH.alphaAt(d1), within(0.003));
        }
        assertThat(Math.abs(leastSquares.alphaAt(10) - TRUTH.alphaAt(10))).isGreaterThan(0.005);
    }

    @Test
    void shouldFitTheSameConstantsWhenEveryWeightIsScaled() {
        List<CalibrationRun> plain = fleet(3);
        List<CalibrationRun> weighted = new ArrayList<>();
        for (CalibrationRun run : plain) {
            double[] w = new double[run.size()];
            Arrays.fill(w, 4.0);
            weighted.add(new CalibrationRun(run.runId(), run.d1(), run.d2(), run.loss(), w));
        }

        ReuseLaw a = LawCalibrator.create().withHuberDelta(1).fit(plain).law();
        ReuseLaw b = LawCalibrator.create().withHuberDelta(1).fit(weighted).law();

        // δ = 1 keeps every residual quadratic, where a common weight cancels exactly.
        assertThat(b.alpha2()).isCloseTo(a.alpha2(), within(1e-6));
        assertThat(b.alpha3()).isCloseTo(a.alpha3(), within(1e-7));
        assertThat(b.e()).isCloseTo(a.e(), within(1e-5));
    }

    @Test
    void shouldIgnoreCorruptedPointsWhoseWeightIsZero() {
        List<CalibrationRun> clean = fleet(4);
        List<CalibrationRun> corrupted = new ArrayList<>();
        for (CalibrationRun run : clean) {
            double[] loss = run.loss();
            double[] w = new double[run.size()];
            Arrays.fill(w, 1.0);
            loss[0] *= 3; // a huge error on a zero-weight point
            w[0] = 0;
            corrupted.add(new CalibrationRun(run.runId(), run.d1(), run.d2(), loss, w));
        }

        LawFit fit = LawCalibrator.create().fit(corrupted);

        assertThat(fit.points()).isEqualTo(D1.length * (POINTS - 1));
        for (double d1 : D1) {
            assertThat(fit.law().alphaAt(d1)).isCloseTo(TRUTH.alphaAt(d1), within(0.01));
        }
    }

    @Test
    void shouldSkipRunsWithUnusableD1AndPointsWithBadNumbers() {
        List<CalibrationRun> runs = new ArrayList<>(fleet(5));
        runs.add(CalibrationRun.of("nan-d1", Double.NaN, new double[] {1, 2}, new double[] {3, 2.9}));
        runs.add(CalibrationRun.of("zero-d1", 0, new double[] {1, 2}, new double[] {3, 2.9}));
        runs.add(CalibrationRun.of("neg-d1", -5, new double[] {1, 2}, new double[] {3, 2.9}));
        runs.add(CalibrationRun.of("bad-points", 100, new double[] {Double.NaN, -1, 0, 1, 2}, new double[] {
            3, 3, 3, Double.POSITIVE_INFINITY, -2
        }));
        runs.add(null);

        LawFit fit = LawCalibrator.create().fit(runs);

        assertThat(fit.converged()).isTrue();
        assertThat(fit.runsUsed()).isEqualTo(D1.length);
        assertThat(fit.points()).isEqualTo(D1.length * POINTS);
        assertThat(fit.law().alpha3()).isCloseTo(TRUTH.alpha3(), within(0.01 * TRUTH.alpha3()));
    }

    @Test
    void shouldReturnAnUnconvergedNaNFitForASingleRun() {
        LawFit fit = LawCalibrator.create().fit(fleet(1).subList(0, 1));

        assertUnfitted(fit);
        assertThat(fit.runsUsed()).isEqualTo(1);
        assertThat(fit.points()).isEqualTo(POINTS);
    }

    @Test
    void shouldReturnAnUnconvergedNaNFitWhenEveryRunSharesOneD1() {
        List<CalibrationRun> sameD1 = SyntheticFleet.fleet(TRUTH, new double[] {100, 100, 100}, POINTS, NOISE, 1);

        LawFit fit = LawCalibrator.create().fit(sameD1);

        assertUnfitted(fit);
        assertThat(fit.runsUsed()).isEqualTo(3);
    }

    @Test
    void shouldReturnAnUnconvergedNaNFitForNoRunsOrOnlyNaNs() {
        assertUnfitted(LawCalibrator.create().fit(List.of()));
        LawFit nan = LawCalibrator.create()
                .fit(List.of(
                        CalibrationRun.of("a", 10, new double[] {1, 2}, new double[] {Double.NaN, Double.NaN}),
                        CalibrationRun.of("b", Double.NaN, new double[] {1, 2}, new double[] {3, 2.9})));
        assertUnfitted(nan);
        assertThat(nan.runsUsed()).isZero();
        assertThat(nan.points()).isZero();
    }

    @Test
    void shouldReturnAnUnconvergedNaNFitWithNoMorePointsThanConstants() {
        List<CalibrationRun> tiny = List.of(
                CalibrationRun.of("a", 10, new double[] {1, 2, 4}, new double[] {4, 3.5, 3.2}),
                CalibrationRun.of("b", 100, new double[] {1, 2}, new double[] {3.6, 3.3}));

        LawFit fit = LawCalibrator.create().fit(tiny);

        assertUnfitted(fit);
        assertThat(fit.points()).isEqualTo(5);
    }

    @Test
    void shouldPredictEachHeldOutRunsFinalLossWithinOnePercent() {
        List<CalibrationRun> runs = fleet(1);

        List<LeaveOneOut> loo = LawCalibrator.create().leaveOneOut(runs);

        assertThat(loo)
                .extracting(LeaveOneOut::runId)
                .containsExactlyElementsOf(
                        runs.stream().map(CalibrationRun::runId).toList());
        for (int k = 0; k < runs.size(); k++) {
            double[] loss = runs.get(k).loss();
            LeaveOneOut one = loo.get(k);
            assertThat(one.actualFinalLoss()).isEqualTo(loss[loss.length - 1]);
            // Measured max |relErr| 0.51 % (the held-out point alone carries 0.3 % noise).
            assertThat(Math.abs(one.relErr())).as(one.runId()).isLessThan(0.01);
            assertThat(one.relErr())
                    .isCloseTo(
                            (one.predictedFinalLoss() - one.actualFinalLoss()) / one.actualFinalLoss(), within(1e-15));
        }
    }

    @Test
    void shouldReportNaNInLeaveOneOutWhenTheRestCannotIdentifyTheLaw() {
        List<CalibrationRun> runs = new ArrayList<>(fleet(1).subList(0, 2));
        runs.add(CalibrationRun.of("empty", 50, new double[0], new double[0]));

        List<LeaveOneOut> loo = LawCalibrator.create().leaveOneOut(runs);

        assertThat(loo).hasSize(3);
        // Holding out either real run leaves a single D1: no law, so no prediction.
        assertThat(loo.get(0).predictedFinalLoss()).isNaN();
        assertThat(loo.get(0).relErr()).isNaN();
        assertThat(loo.get(0).actualFinalLoss()).isFinite();
        assertThat(loo.get(2).actualFinalLoss()).isNaN();
    }

    @Test
    void shouldRejectANonPositiveHuberDelta() {
        assertThatThrownBy(() -> LawCalibrator.create().withHuberDelta(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LawCalibrator.create().withHuberDelta(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(LawCalibrator.create().withHuberDelta(0.01).huberDelta()).isEqualTo(0.01);
        assertThat(LawCalibrator.create().huberDelta()).isEqualTo(LawCalibrator.DEFAULT_HUBER_DELTA);
    }

    private static void assertUnfitted(LawFit fit) {
        assertThat(fit.converged()).isFalse();
        assertThat(fit.law().a()).isNaN();
        assertThat(fit.law().alpha1()).isNaN();
        assertThat(fit.law().alpha2()).isNaN();
        assertThat(fit.law().alpha3()).isNaN();
        assertThat(fit.law().e()).isNaN();
        assertThat(fit.stdErr().alpha3()).isNaN();
        assertThat(fit.rmse()).isNaN();
    }
}
