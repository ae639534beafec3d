package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CurveSummaryTest {

    private static final double TOKENS_PER_STEP = 4_194_304;
    private static final double PEAK_LR = 3e-4;

    private static double curveLoss(double d2Tokens) {
        return 2.0 + 5.0 * Math.pow(d2Tokens / 1e9, -0.3);
    }

    /** Warmup 1000 steps, constant to step 8000, linear decay to 0 at step 10000 (WSD). */
    private static double wsdLr(int step) {
        if (step <= 1000) {
            return PEAK_LR * step / 1000.0;
        }
        return step <= 8000 ? PEAK_LR : PEAK_LR * (10000 - step) / 2000.0;
    }

    /** Warmup 200 steps, then cosine from the peak to 10 % of it at step 10000. */
    private static double cosineLr(int step) {
        if (step <= 200) {
            return PEAK_LR * step / 200.0;
        }
        double t = (step - 200) / 9800.0;
        return PEAK_LR * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
    }

    private static List<Double> points(CurveSummary s, IntToDoubleFunction lr, List<AddResult> out) {
        List<Double> lrs = new ArrayList<>();
        // Steps 5, 15, ... keep every point off the exact 0.9 × peak boundary.
        for (int step = 5; step < 10000; step += 10) {
            double d2 = step * TOKENS_PER_STEP;
            double l = lr.applyAsDouble(step);
            lrs.add(l);
            out.add(s.add(d2, curveLoss(d2), l));
        }
        return lrs;
    }

    /** Expected class from the schedule alone: rising ⇒ warmup, below 0.9 × the peak ⇒ anneal. */
    private static List<String> expectedClasses(List<Double> lrs) {
        double peak = lrs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        List<String> expected = new ArrayList<>();
        double runningMax = Double.NaN;
        for (double l : lrs) {
            if (Double.isNaN(runningMax) || l > runningMax) {
                expected.add("WARMUP");
                runningMax = l;
            } else {
                expected.add(l < 0.9 * peak ? "ANNEAL" : "STABLE");
            }
        }
        return expected;
    }

    private static List<String> actualClasses(List<AddResult> results) {
        List<String> actual = new ArrayList<>();
        for (AddResult r : results) {
            actual.add(r == AddResult.NEW_BIN || r == AddResult.UPDATED ? "STABLE" : r.name());
        }
        return actual;
    }

    @Test
    void shouldTrackWarmupStableAndDecayPhasesOfAWsdSchedule() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        List<AddResult> results = new ArrayList<>();
        List<Double> lrs = points(s, CurveSummaryTest::wsdLr, results);

        assertThat(actualClasses(results)).isEqualTo(expectedClasses(lrs));
        // Steps 5..1005 rise (101 points), 8205.. decay below 0.9 × peak (180 points).
        assertThat(results.stream().filter(r -> r == AddResult.WARMUP)).hasSize(101);
        assertThat(results.stream().filter(r -> r == AddResult.ANNEAL)).hasSize(180);
        assertThat(s.fittedPoints()).isEqualTo(1000 - 101 - 180);
        assertThat(s.stableLr()).isEqualTo(PEAK_LR);
        assertThat(s.phase()).isEqualTo(LrPhase.ANNEAL);

        FitPoints fp = s.fitPoints(10000 * TOKENS_PER_STEP);
        double lastStableBillions = 8195 * TOKENS_PER_STEP / 1e9;
        double burnInBillions = 0.1 * 10000 * TOKENS_PER_STEP / 1e9;
        assertThat(fp.size()).isGreaterThan(5);
        assertThat(Arrays.stream(fp.x()).boxed().toList())
                .allSatisfy(x -> assertThat(x).isBetween(burnInBillions, lastStableBillions));
    }

    @Test
    void shouldEnterAnnealOnceACosineScheduleFallsBelowNinetyPercentOfPeak() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        List<AddResult> results = new ArrayList<>();
        List<Double> lrs = points(s, CurveSummaryTest::cosineLr, results);

        assertThat(actualClasses(results)).isEqualTo(expectedClasses(lrs));
        int firstAnneal = results.indexOf(AddResult.ANNEAL);
        // cos schedule: 0.1 + 0.45·(1 + cos πt) = 0.9 at t = acos(7/9)/π ≈ 0.2163, step ≈ 2320.
        assertThat(5 + 10 * firstAnneal).isBetween(2315, 2335);
        assertThat(results.subList(firstAnneal, results.size())).containsOnly(AddResult.ANNEAL);
        assertThat(s.stableLr()).isBetween(0.999 * PEAK_LR, PEAK_LR);
        assertThat(s.phase()).isEqualTo(LrPhase.ANNEAL);
        assertThat(Arrays.stream(s.fitPoints(Double.NaN).x()).boxed().toList())
                .allSatisfy(x -> assertThat(x * 1e9).isLessThan((5 + 10 * firstAnneal) * TOKENS_PER_STEP));
    }

    @Test
    void shouldTreatUnknownLrAsStableWithUnknownPhase() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        assertThat(s.add(1e9, 3.0, Double.NaN)).isEqualTo(AddResult.NEW_BIN);
        assertThat(s.add(1.01e9, 2.9, Double.NaN)).isEqualTo(AddResult.UPDATED);
        assertThat(s.add(2e9, 2.8, -1.0)).isEqualTo(AddResult.NEW_BIN);
        assertThat(s.phase()).isEqualTo(LrPhase.UNKNOWN);
        assertThat(s.stableLr()).isNaN();
        assertThat(s.fittedPoints()).isEqualTo(3);
        assertThat(s.bins()).extracting(CurveBin::phase).containsOnly(LrPhase.UNKNOWN);
    }

    @Test
    void shouldKeepPhaseWhenAPointWithoutLrArrivesMidRun() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        s.add(1e8, 4.0, 1e-4);
        s.add(2e8, 3.8, 2e-4);
        s.add(3e8, 3.6, 2e-4);
        assertThat(s.phase()).isEqualTo(LrPhase.STABLE);
        assertThat(s.add(4e8, 3.5, Double.NaN)).isEqualTo(AddResult.NEW_BIN);
        assertThat(s.phase()).isEqualTo(LrPhase.STABLE);
        assertThat(s.stableLr()).isEqualTo(2e-4);
    }

    @Test
    void shouldClassifyOutOfOrderPointsByTheirOwnLrWithoutMovingThePhase() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        s.add(1e8, 5.0, 1e-4);
        s.add(1e9, 4.0, 3e-4);
        s.add(2e9, 3.5, 3e-4);
        s.add(9e9, 3.0, 1e-4);
        assertThat(s.phase()).isEqualTo(LrPhase.ANNEAL);
        // Late points: low LR before the peak's D2 is warmup, after it anneal, near the peak stable.
        assertThat(s.add(5e8, 4.5, 2e-4)).isEqualTo(AddResult.WARMUP);
        assertThat(s.add(8e9, 3.1, 1e-4)).isEqualTo(AddResult.ANNEAL);
        assertThat(s.add(3e9, 3.3, 2.9e-4)).isEqualTo(AddResult.NEW_BIN);
        assertThat(s.phase()).isEqualTo(LrPhase.ANNEAL);
        assertThat(s.lastD2Tokens()).isEqualTo(3e9);
        assertThat(s.maxD2Tokens()).isEqualTo(9e9);
    }

    @Test
    void shouldStartANewWarmupWhenTheLrRisesAboveThePeakAgain() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        s.add(1e8, 5.0, 1e-4);
        s.add(2e8, 4.0, 1e-4);
        assertThat(s.stableLr()).isEqualTo(1e-4);
        assertThat(s.add(3e8, 3.9, 2e-4)).isEqualTo(AddResult.WARMUP);
        assertThat(s.stableLr()).isNaN();
        assertThat(s.phase()).isEqualTo(LrPhase.WARMUP);
        assertThat(s.add(4e8, 3.8, 2e-4)).isEqualTo(AddResult.NEW_BIN);
        assertThat(s.stableLr()).isEqualTo(2e-4);
    }

    @Test
    void shouldIgnoreFloatJitterOfAConstantLr() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        s.add(1e8, 5.0, 3e-4);
        s.add(2e8, 4.0, 3e-4);
        // 3e-4 stored as float and widened back differs by ~1e-8 relative: not a new warmup.
        assertThat(s.add(3e8, 3.9, (double) (float) 3e-4)).isEqualTo(AddResult.NEW_BIN);
        assertThat(s.phase()).isEqualTo(LrPhase.STABLE);
    }

    @Test
    void shouldRejectInvalidPointsWithoutChangingAnything() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        s.add(1e9, 3.0, 1e-4);
        s.add(2e9, 2.9, 1e-4);
        CurveSummary before = s.copy();
        double[][] bad = {
            {Double.NaN, 3.0},
            {Double.POSITIVE_INFINITY, 3.0},
            {-1e9, 3.0},
            {0.0, 3.0},
            {3e9, Double.NaN},
            {3e9, Double.POSITIVE_INFINITY},
            {3e9, Double.NEGATIVE_INFINITY},
            {3e9, -1.0},
            {3e9, 0.0}
        };
        for (double[] p : bad) {
            assertThat(s.add(p[0], p[1], 5e-4)).as("d2=%s loss=%s", p[0], p[1]).isEqualTo(AddResult.REJECTED);
        }
        assertThat(s).isEqualTo(before);
        assertThat(s.totalPoints()).isEqualTo(2);
    }

    @Test
    void shouldReportNewBinOnlyWhenAFitBinIsCreated() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        assertThat(s.add(1.00e9, 3.0, Double.NaN)).isEqualTo(AddResult.NEW_BIN);
        // 1/16 decade = factor 1.155: 1.1e9 is in the same bin, 1.2e9 in the next.
        assertThat(s.add(1.10e9, 2.9, Double.NaN)).isEqualTo(AddResult.UPDATED);
        assertThat(s.add(1.20e9, 2.8, Double.NaN)).isEqualTo(AddResult.NEW_BIN);
        assertThat(s.binCount()).isEqualTo(2);
    }

    @Test
    void shouldMatchTwoPassMeanAndVarianceWithinOneInATrillion() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        SplittableRandom rnd = new SplittableRandom(42);
        int n = 5000;
        double[] loss = new double[n];
        double[] lnD2 = new double[n];
        for (int i = 0; i < n; i++) {
            // All in one 1/16-decade bin: [1e9, 1.155e9).
            double d2 = 1e9 * (1 + 0.15 * rnd.nextDouble());
            loss[i] = 3.0 + 0.01 * rnd.nextGaussian();
            lnD2[i] = Math.log(d2);
            s.add(d2, loss[i], Double.NaN);
        }
        double mean = 0;
        double meanLn = 0;
        for (int i = 0; i < n; i++) {
            mean += loss[i];
            meanLn += lnD2[i];
        }
        mean /= n;
        meanLn /= n;
        double ss = 0;
        for (double l : loss) {
            ss += (l - mean) * (l - mean);
        }
        double variance = ss / (n - 1);

        assertThat(s.bins()).hasSize(1);
        CurveBin bin = s.bins().get(0);
        assertThat(bin.count()).isEqualTo(n);
        assertThat(bin.meanLoss()).isCloseTo(mean, within(1e-12 * mean));
        assertThat(bin.stdLoss() * bin.stdLoss()).isCloseTo(variance, within(1e-12 * variance));
        // ln D2 is a float offset within the bin (resolution ~1e-8): D2 agrees to 1e-7 relative.
        assertThat(bin.d2()).isCloseTo(Math.exp(meanLn) / 1e9, within(1e-7 * Math.exp(meanLn) / 1e9));
        assertThat(s.minLoss()).isEqualTo(Arrays.stream(loss).min().orElseThrow());
    }

    @Test
    void shouldPreserveCountsAndWeightedMeansWhenMergingBins() {
        // 64 bins per decade over 4 decades = 256 keys, far over the 96-bin cap: merges must happen.
        CurveSummary s = CurveSummary.create(new SummaryConfig(64, 0.1, 0.9, 8));
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 100_000;
        double sumLoss = 0;
        double sumLn = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double d2 = Math.pow(10, 7 + 4 * rnd.nextDouble());
            double loss = curveLoss(d2) + 0.05 * rnd.nextGaussian();
            s.add(d2, loss, Double.NaN);
            sumLoss += loss;
            sumSq += loss * loss;
            sumLn += Math.log(d2);
        }
        List<CurveBin> bins = s.bins();
        assertThat(bins).hasSize(CurveSummary.MAX_BINS);
        assertThat(bins.stream().mapToLong(CurveBin::count).sum()).isEqualTo(n);
        assertThat(s.totalPoints()).isEqualTo(n);
        double mean = sumLoss / n;
        double weightedMean =
                bins.stream().mapToDouble(b -> b.count() * b.meanLoss()).sum() / n;
        assertThat(weightedMean).isCloseTo(mean, within(1e-12 * mean));
        double weightedLn = bins.stream()
                        .mapToDouble(b -> b.count() * Math.log(b.d2() * 1e9))
                        .sum()
                / n;
        // Merged bins span decades: their float ln-D2 offset resolves ~5e-7 and each merge rounds once.
        assertThat(weightedLn).isCloseTo(sumLn / n, within(1e-6 * sumLn / n));
        // Total M2 from the bins (Chan's combination) against the direct sum of squares; the
        // direct form cancels, so 1e-9 relative is what double precision supports here.
        double m2 = 0;
        for (CurveBin b : bins) {
            double d = b.meanLoss() - mean;
            m2 += b.stdLoss() * b.stdLoss() * (b.count() - 1) + b.count() * d * d;
        }
        double direct = sumSq - n * mean * mean;
        assertThat(m2).isCloseTo(direct, within(1e-9 * direct));
        // The merges happened at the low-D2 end: the top bins keep 1/64-decade resolution.
        assertThat(bins.get(bins.size() - 1).d2() / bins.get(bins.size() - 2).d2())
                .isLessThan(Math.pow(10, 2.0 / 64));
        // Burn-in keeps the top decade (1e10..1e11 tokens): 64 unmerged bins, one more if 1e11 rounds up.
        assertThat(s.fitPoints(Double.NaN).size()).isBetween(63, 65);
    }

    @Test
    void shouldLeaveBurnInBinsOutOfTheFitSet() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        for (int i = 1; i <= 10_000; i++) {
            double d2 = i * 1e6;
            s.add(d2, curveLoss(d2), 1e-4);
        }
        // No target: 10 % of the max D2 (1e10 tokens) = 1 billion.
        FitPoints noTarget = s.fitPoints(Double.NaN);
        assertThat(Arrays.stream(noTarget.x()).boxed().toList())
                .allSatisfy(x -> assertThat(x).isGreaterThanOrEqualTo(1.0));
        assertThat(noTarget.x()[0]).isLessThan(1.2);
        // 1/16-decade bins from 1e9 to 1e10 tokens: 16, plus the bin opened by 1e10 itself.
        assertThat(noTarget.size()).isEqualTo(17);
        // A target of 5e10 tokens moves the cut to 5 billion.
        FitPoints withTarget = s.fitPoints(5e10);
        assertThat(Arrays.stream(withTarget.x()).boxed().toList())
                .allSatisfy(x -> assertThat(x).isGreaterThanOrEqualTo(5.0));
        assertThat(withTarget.size()).isBetween(4, 6);
        assertThat(withTarget.rawPoints())
                .isEqualTo((int) Arrays.stream(withTarget.w()).sum());
        // Sorted, weights are counts, means are the curve's.
        double[] x = noTarget.x();
        for (int i = 1; i < x.length; i++) {
            assertThat(x[i]).isGreaterThan(x[i - 1]);
        }
        assertThat(noTarget.y()[0]).isCloseTo(curveLoss(x[0] * 1e9), within(1e-3));
        assertThat(s.fitPoints(Double.NaN)).isEqualTo(noTarget);
    }

    @Test
    void shouldReturnNoFitPointsWhenEmptyOrAllExcluded() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        assertThat(s.fitPoints(Double.NaN)).isEqualTo(FitPoints.EMPTY);
        assertThat(s.maxD2Tokens()).isNaN();
        assertThat(s.lastLoss()).isNaN();
        assertThat(s.recentLosses()).isEmpty();
        s.add(1e9, 3.0, 1e-4);
        assertThat(s.fitPoints(Double.NaN).size()).isZero();
        assertThat(s.bins()).extracting(CurveBin::phase).containsExactly(LrPhase.WARMUP);
    }

    @Test
    void shouldKeepTheLastPointsOldestFirst() {
        CurveSummary s = CurveSummary.create(new SummaryConfig(16, 0.1, 0.9, 3));
        s.add(1e9, 3.0, Double.NaN);
        s.add(2e9, 2.9, Double.NaN);
        assertThat(s.recentLosses()).containsExactly(3.0, 2.9);
        s.add(3e9, 2.8, Double.NaN);
        s.add(4e9, 2.7, Double.NaN);
        s.add(Double.NaN, 2.0, Double.NaN);
        assertThat(s.recentLosses()).containsExactly(2.9, 2.8, 2.7);
        assertThat(s.recentD2Tokens()).containsExactly(2e9, 3e9, 4e9);
        assertThat(s.lastLoss()).isEqualTo(2.7);
    }

    @Test
    void shouldCopyIndependently() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        s.add(1e9, 3.0, 1e-4);
        s.add(2e9, 2.9, 1e-4);
        CurveSummary c = s.copy();
        assertThat(c).isEqualTo(s).hasSameHashCodeAs(s);
        c.add(3e9, 2.8, 1e-4);
        assertThat(c).isNotEqualTo(s);
        assertThat(s.totalPoints()).isEqualTo(2);
        s.add(3e9, 2.8, 1e-4);
        assertThat(c).isEqualTo(s);
    }

    @Test
    void shouldRejectInvalidConfig() {
        assertThatThrownBy(() -> new SummaryConfig(0, 0.1, 0.9, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SummaryConfig(65, 0.1, 0.9, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SummaryConfig(16, 1.0, 0.9, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SummaryConfig(16, Double.NaN, 0.9, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SummaryConfig(16, 0.1, 0.0, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SummaryConfig(16, 0.1, 0.9, 33)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SummaryConfig.defaults()).isEqualTo(new SummaryConfig(16, 0.10, 0.90, 8));
    }

    @Test
    void shouldNotAllocateWhenAddingToExistingBins() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "allocation counter unavailable");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        int n = 4096;
        double[] d2 = new double[n];
        double[] loss = new double[n];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            d2[i] = Math.pow(10, 8 + 3 * rnd.nextDouble());
            loss[i] = curveLoss(d2[i]);
        }
        for (int i = 0; i < n; i++) {
            s.add(d2[i], loss[i], 1e-4);
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int r = 0; r < 50; r++) {
            for (int i = 0; i < n; i++) {
                s.add(d2[i], loss[i], 1e-4);
            }
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        // 204,800 adds; a few hundred bytes of slack for the counter call itself.
        assertThat(allocated).isLessThan(1024);
    }
}
