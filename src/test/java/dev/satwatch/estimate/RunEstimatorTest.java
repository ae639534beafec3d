package dev.satwatch.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.fit.Reliability;
import dev.satwatch.fit.SummaryConfig;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.sim.SyntheticRun;
import org.junit.jupiter.api.Test;

/**
 * End-to-end accuracy of the estimation step on synthetic runs drawn from a known law, with warmup, a WSD decay
 * (and its annealing drop) and seeded 0.3 % multiplicative noise: points go through the CurveSummary bins exactly
 * as in the streaming app and {@code satwatch fit}.
 *
 * <p>What can be asked of a single run: with E free, the precision of α at 30 % of the budget is bounded by the
 * Cramér–Rao limit of a three-parameter fit over half to one decade of D2 (several % at 0.3 % noise), so a
 * single free fit cannot promise 2 %. The estimator is asked to be unbiased to 2 % on average, to report an
 * interval that covers the truth at its nominal rate, and — once the fleet's law supplies E — to recover each
 * run's α within 2 %.
 */
class RunEstimatorTest {

    static final ReuseLaw LAW = new ReuseLaw(4.0, 0.10, 0.40, 0.04, 1.7);
    static final double D1 = 100e9;
    static final double BUDGET = 50e9;
    static final int SEEDS = 200;

    static RunEstimate estimateAt(SyntheticRun run, double fraction, RunMeta meta, ReuseLaw law) {
        CurveSummary summary = CurveSummary.create(SummaryConfig.defaults());
        for (LossPoint p : run.points(fraction)) {
            summary.add(p.d2Tokens(), p.loss(), p.lr());
        }
        return RunEstimator.create().estimate(run.runId(), LossPoint.VAL, meta, summary, law, null);
    }

    @Test
    void shouldBeUnbiasedWithinTwoPercentOnceThirtyPercentThrough() {
        double sumRel = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            SyntheticRun run = SyntheticRun.typical("r" + seed, LAW, D1, BUDGET, seed);
            RunEstimate e = estimateAt(run, 0.30, run.meta(), null);
            sumRel += (e.fit().alpha() - run.trueAlpha()) / run.trueAlpha();
        }
        // Measured: −1.16 % mean relative error over 200 seeds (window 10–30 % of the budget after burn-in; −1.3 %
        // before the cold fit became a multi-start). The 2 % bound is the requirement, 0.8 points above it.
        System.out.printf(java.util.Locale.ROOT, "alpha mean relative error at 30%%: %.4f%n", sumRel / SEEDS);
        assertThat(Math.abs(sumRel / SEEDS)).isLessThan(0.02);
    }

    @Test
    void shouldCoverTheTrueExponentAtTheNominalRate() {
        int covered = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            SyntheticRun run = SyntheticRun.typical("r" + seed, LAW, D1, BUDGET, 1000 + seed);
            RunEstimate e = estimateAt(run, 0.30, run.meta(), null);
            if (e.fit().alphaCiLow() <= run.trueAlpha()
                    && run.trueAlpha() <= e.fit().alphaCiHigh()) {
                covered++;
            }
        }
        System.out.printf("alpha 95%% interval coverage at 30%%: %d/%d%n", covered, SEEDS);
        // Measured: 186/200 (93 %). A 95 % interval over 200 seeds: 90–99 % leaves room for binomial scatter
        // (sd ≈ 1.5 %, 3 seeds); the measured value is 6 seeds inside the lower bound.
        assertThat(covered).isBetween((int) (0.90 * SEEDS), (int) (0.99 * SEEDS));
    }

    @Test
    void shouldRecoverEachRunsExponentWithinTwoPercentWithTheLawsE() {
        int within = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            SyntheticRun run = SyntheticRun.typical("r" + seed, LAW, D1, BUDGET, 2000 + seed);
            RunEstimate e = estimateAt(run, 0.30, run.meta(), LAW);
            assertThat(e.fixedE()).isNotNull();
            if (Math.abs(e.fixedE().alpha() - run.trueAlpha()) / run.trueAlpha() <= 0.02) {
                within++;
            }
        }
        System.out.printf("alpha with the law's E within 2%% at 30%%: %d/%d%n", within, SEEDS);
        // Measured: 194/200 (97 %) at 30 % through. The bound used to be exactly 194, so it had no slack at all. If
        // the true rate is 97 %, the count over 200 seeds has a binomial SD of √(200·0.97·0.03) ≈ 2.4; 185 (92.5 %)
        // sits 3.8 SD below the measured value, yet still fails if the fixed-E fit loses accuracy in earnest.
        assertThat(within).isGreaterThanOrEqualTo(185);
    }

    @Test
    void shouldPredictTheExponentAndProjectTheLossWithAnInterval() {
        SyntheticRun run = SyntheticRun.typical("r", LAW, D1, BUDGET, 7);
        RunEstimate e = estimateAt(run, 0.5, run.meta(), LAW);

        assertThat(e.alphaPredicted()).isCloseTo(LAW.alphaAt(100), within(1e-12));
        assertThat(e.lawLossAtTarget()).isCloseTo(LAW.loss(100, 50), within(1e-12));
        // Without the annealing drop, the law's loss at the target is what the run's fit should project.
        double truth = LAW.loss(100, 50);
        assertThat(e.projectedLossAtTarget()).isCloseTo(truth, within(0.01 * truth));
        assertThat(e.projectedLossCiLow()).isLessThan(e.projectedLossAtTarget());
        assertThat(e.projectedLossCiHigh()).isGreaterThan(e.projectedLossAtTarget());
        assertThat(e.remainingGain()).isPositive();
        // Marginal gain = α·(L − E)/D2 at the current D2 (25 B tokens), within the fit's precision.
        double expectedGain = LAW.marginalGainPerBillion(100, 25);
        assertThat(e.gainPerBillionTokens()).isCloseTo(expectedGain, within(0.1 * expectedGain));
    }

    @Test
    void shouldKeepTheAnnealTailOutOfTheFit() {
        SyntheticRun run = SyntheticRun.typical("r", LAW, D1, BUDGET, 11);
        RunEstimate whole = estimateAt(run, 1.0, run.meta(), null);
        // The LR falls below 0.9 × peak (the anneal threshold) one ninth of the way into the 10 % decay.
        RunEstimate beforeDecay = estimateAt(run, 0.9 + 0.1 / 9 + 0.001, run.meta(), null);

        // The rest of the decay adds no fit points: the anneal bins are excluded, so the fit set is the same.
        assertThat(whole.pointsUsed()).isEqualTo(beforeDecay.pointsUsed());
        assertThat(whole.fit().alpha()).isCloseTo(beforeDecay.fit().alpha(), within(1e-9));
        assertThat(whole.lastLoss()).isLessThan(beforeDecay.lastLoss());
    }

    @Test
    void shouldGiveNanNumbersAndAVerdictWhenThereIsTooLittleData() {
        CurveSummary summary = CurveSummary.create(SummaryConfig.defaults());
        summary.add(1e9, 3.0, Double.NaN);
        summary.add(2e9, 2.9, Double.NaN);

        RunEstimate e = RunEstimator.create().estimate("r", "val", RunMeta.EMPTY, summary, LAW, null);

        assertThat(e.fit().reliability()).isEqualTo(Reliability.TOO_FEW_POINTS);
        assertThat(e.projectedLossAtTarget()).isNaN();
        assertThat(e.alphaPredicted()).isNaN();
        assertThat(e.gainPerBillionTokens()).isNaN();
    }
}
