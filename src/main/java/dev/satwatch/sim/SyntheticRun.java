package dev.satwatch.sim;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import dev.satwatch.law.ReuseLaw;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic second-stage training run drawn from a {@link ReuseLaw}: the ground truth for accuracy tests,
 * benchmarks and the simulator.
 *
 * <p>Schedule (warmup–stable–decay, WSD): the learning rate rises linearly over {@code warmupFraction} of the
 * budget, stays at {@code peakLr}, then decays linearly to 10 % of peak over the last {@code decayFraction}. The
 * loss is the law's {@code E + B·D2^(−α(D1))} with two schedule effects a fitter must not be fooled by: during
 * warmup the reducible part is inflated (up to +30 % at the start), and during the decay it shrinks by up to
 * {@code annealBonus} (the annealing drop seen in WSD runs). Each point gets independent multiplicative Gaussian
 * noise of relative size {@code noise}. Points are evaluated every {@code evalEverySteps} optimizer steps, so they
 * are evenly spaced in D2, as in real logs.
 *
 * @param runId the run
 * @param setting its setting
 * @param law the law the curve follows
 * @param d1Tokens base-model tokens (raw)
 * @param targetD2Tokens the second-stage budget (raw tokens)
 * @param tokensPerStep tokens per optimizer step
 * @param evalEverySteps steps between logged points
 * @param peakLr stable learning rate
 * @param warmupFraction fraction of the budget spent warming up
 * @param decayFraction final fraction of the budget spent decaying the LR
 * @param annealBonus relative drop of the reducible loss at the end of the decay
 * @param noise relative standard deviation of the multiplicative noise
 * @param seed random seed
 */
public record SyntheticRun(
        String runId,
        String setting,
        ReuseLaw law,
        double d1Tokens,
        double targetD2Tokens,
        long tokensPerStep,
        long evalEverySteps,
        double peakLr,
        double warmupFraction,
        double decayFraction,
        double annealBonus,
        double noise,
        long seed)
        implements RunTruth {

    /** A run with typical settings: 1 % warmup, 10 % linear decay, 4 % anneal bonus, 0.3 % noise, 500 points. */
    public static SyntheticRun typical(String runId, ReuseLaw law, double d1Tokens, double targetD2Tokens, long seed) {
        long tokensPerStep = 4L << 20;
        long steps = (long) Math.ceil(targetD2Tokens / tokensPerStep);
        return new SyntheticRun(
                runId,
                "synthetic",
                law,
                d1Tokens,
                targetD2Tokens,
                tokensPerStep,
                Math.max(1, steps / 500),
                3e-4,
                0.01,
                0.10,
                0.04,
                0.003,
                seed);
    }

    /** The run's metadata, as a {@code run_started} event would carry it. */
    public RunMeta meta() {
        return new RunMeta(setting, "synthetic-base", d1Tokens, Double.NaN, targetD2Tokens, tokensPerStep);
    }

    /** The {@code run_started} event. */
    public RunStarted started(Instant ts) {
        return new RunStarted(runId, ts, meta());
    }

    /** The noiseless loss at {@code d2Tokens} including the schedule effects. */
    public double trueLoss(double d2Tokens) {
        double d1 = ReuseLaw.billions(d1Tokens);
        double reducible = law.loss(d1, ReuseLaw.billions(d2Tokens)) - law.e();
        double f = d2Tokens / targetD2Tokens;
        if (f < warmupFraction) {
            reducible *= 1 + 0.3 * (1 - f / warmupFraction);
        }
        double decayStart = 1 - decayFraction;
        if (f > decayStart && decayFraction > 0) {
            reducible *= 1 - annealBonus * Math.min(1.0, (f - decayStart) / decayFraction);
        }
        return law.e() + reducible;
    }

    @Override
    public double loss(double d2Tokens) {
        return trueLoss(d2Tokens);
    }

    /** The noiseless loss at {@code d2Tokens} with the warmup effect but without the decay's anneal bonus. */
    @Override
    public double stableLoss(double d2Tokens) {
        double d1 = ReuseLaw.billions(d1Tokens);
        double reducible = law.loss(d1, ReuseLaw.billions(d2Tokens)) - law.e();
        double f = d2Tokens / targetD2Tokens;
        if (f < warmupFraction) {
            reducible *= 1 + 0.3 * (1 - f / warmupFraction);
        }
        return law.e() + reducible;
    }

    /** The start of the decay: {@code (1 − decayFraction) × target}. */
    @Override
    public double stableEndTokens() {
        return (1 - decayFraction) * targetD2Tokens;
    }

    /** The learning rate at {@code d2Tokens}. */
    @Override
    public double lr(double d2Tokens) {
        double f = d2Tokens / targetD2Tokens;
        if (f < warmupFraction) {
            return peakLr * Math.max(f / warmupFraction, 1e-3);
        }
        double decayStart = 1 - decayFraction;
        if (f > decayStart && decayFraction > 0) {
            return peakLr * (1 - 0.9 * Math.min(1.0, (f - decayStart) / decayFraction));
        }
        return peakLr;
    }

    /** The logged validation points up to {@code fraction} of the budget, in training order. */
    public List<LossPoint> points(double fraction) {
        SplittableRandom random = new SplittableRandom(seed);
        long lastStep = (long) Math.floor(fraction * targetD2Tokens / tokensPerStep);
        List<LossPoint> out = new ArrayList<>();
        for (long step = evalEverySteps; step <= lastStep; step += evalEverySteps) {
            double d2 = (double) step * tokensPerStep;
            double loss = trueLoss(d2) * (1 + noise * gaussian(random));
            out.add(new LossPoint(runId, null, step, d2, loss, LossPoint.VAL, lr(d2), RunMeta.EMPTY));
        }
        return out;
    }

    /** The law's exponent for this run's D1: the truth an estimator should recover. */
    public double trueAlpha() {
        return law.alphaAt(ReuseLaw.billions(d1Tokens));
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller: SplittableRandom has no nextGaussian on Java 17.
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
