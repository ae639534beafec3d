package dev.satwatch.sim;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.law.ReuseLaw;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A realistic simulated second-stage loss curve: a power law in the forward area of an LR schedule, an annealing
 * bonus while the LR decays, an optional growth bump, and autocorrelated noise.
 *
 * <h2>Noise-free loss</h2>
 *
 * With {@code S1(D2)} the schedule's forward area ({@link LrSchedule#area}) and {@code η̂} its peak LR, the run's
 * stable-phase law {@code E + B·D2^(−α)} (D2 in billions) is evaluated at the peak-LR-equivalent tokens
 * {@code S1/η̂}, as in Tissue et al. 2024 (arXiv 2408.11029), {@code L = L0 + A·S1^(−α) − C·S2}:
 *
 * <pre>
 *   L(D2) = E + B·(S1(D2)/η̂)^(−α) + bump(D2) − C·(η̂ − η(D2))/η̂      (the last term only once the LR decays)
 * </pre>
 *
 * So warmup keeps the loss above the law (less area), a constant LR follows the law exactly after warmup, and a
 * decay first slows the power-law term (the area grows more slowly) while the annealing bonus, proportional to the
 * LR drop (Tissue et al.'s S2 with momentum λ = 0), takes the loss below the stable law. {@code C} is set so that a
 * full decay to the final LR gains {@code annealGain} × the stable loss at the end of the stable phase
 * ({@link LrSchedule#stableEndTokens()}).
 *
 * <p>Growth bump (runs that grow a model by stacking or widening): the loss first rises, then joins the power law.
 * Up to {@code bumpTokens} the loss climbs linearly from {@code Lp·(1 + h/2)} to {@code Lp·(1 + h)}, {@code Lp} the
 * power-law loss at {@code bumpTokens}; afterwards {@code h·Lp·exp(−(D2 − bumpTokens)/bumpTokens)} is added to the
 * power law. {@code h = bumpHeight}; no bump when it is 0.
 *
 * <h2>Noise</h2>
 *
 * Logged points are {@code L(D2)·exp(ε)} with ε an AR(1) process over the logged points, {@code ε_k = φ·ε_{k−1} +
 * √(1 − φ²)·σ·z_k}, started stationary: each ε has standard deviation σ = {@code noise} and lag-one correlation φ =
 * {@code noisePhi} (0: white noise). Deterministic per seed; immutable and thread-safe.
 *
 * @param runId the run
 * @param d1Tokens base-model tokens (raw)
 * @param alpha the run's true D2 exponent
 * @param amplitude B of {@code E + B·D2^(−α)}, D2 in billions
 * @param e the run's irreducible loss E
 * @param schedule the run's LR schedule (its total is the run's budget)
 * @param annealGain relative loss gained by a full decay to the final LR (≥ 0)
 * @param bumpHeight growth bump height h, relative to the loss (≥ 0; 0 for no bump)
 * @param bumpTokens where the growth bump peaks (raw tokens; positive when there is a bump)
 * @param tokensPerStep tokens per optimizer step
 * @param evalEverySteps steps between logged points
 * @param noise σ of the log-loss noise
 * @param noisePhi φ, the lag-one autocorrelation of the log-loss noise, in [0, 1)
 * @param seed random seed of the noise
 */
public record SimCurve(
        String runId,
        double d1Tokens,
        double alpha,
        double amplitude,
        double e,
        LrSchedule schedule,
        double annealGain,
        double bumpHeight,
        double bumpTokens,
        long tokensPerStep,
        long evalEverySteps,
        double noise,
        double noisePhi,
        long seed)
        implements RunTruth {

    /** Validates the parameters. */
    public SimCurve {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(schedule, "schedule");
        if (!(alpha >= 0) || !(amplitude > 0) || !(e >= 0) || !(annealGain >= 0) || !(bumpHeight >= 0)) {
            throw new IllegalArgumentException("need alpha ≥ 0, amplitude > 0, E ≥ 0, annealGain ≥ 0, bumpHeight ≥ 0");
        }
        if (bumpHeight > 0 && !(bumpTokens > 0)) {
            throw new IllegalArgumentException("a growth bump needs bumpTokens > 0");
        }
        if (tokensPerStep < 1 || evalEverySteps < 1 || !(noise >= 0) || !(noisePhi >= 0 && noisePhi < 1)) {
            throw new IllegalArgumentException("need tokensPerStep, evalEverySteps ≥ 1, noise ≥ 0, noisePhi in [0, 1)");
        }
    }

    /** The planned budget: the schedule's total. */
    @Override
    public double targetD2Tokens() {
        return schedule.totalTokens();
    }

    @Override
    public double stableEndTokens() {
        return schedule.stableEndTokens();
    }

    /**
     * The cooldown a stop runs, as a fraction of the budget, in the truth of a decaying schedule: the tracker's
     * default {@code detect.cooldown.fraction}.
     */
    static final double STOP_COOLDOWN_FRACTION = 0.1;

    /**
     * For WSD and constant schedules {@link RunTruth#trueLossGivenUp}. A cosine or linear schedule has no stable
     * phase: its stop decision is "cool down now, from the LR now, over {@value #STOP_COOLDOWN_FRACTION} of the budget,
     * or follow the decay to the end" (DESIGN §4b), so the truth is that counterfactual on this curve: the law at the
     * forward area after such a cooldown against the law at the planned end's area, relative to the final loss (both
     * end at the final LR, so the annealing term, which here depends on the LR only, cancels).
     */
    @Override
    public double trueLossGivenUp(double d2Tokens) {
        if (schedule.type() != LrSchedule.Type.COSINE && schedule.type() != LrSchedule.Type.LINEAR) {
            return RunTruth.super.trueLossGivenUp(d2Tokens);
        }
        double total = targetD2Tokens();
        double k = Math.min(STOP_COOLDOWN_FRACTION * total, total - d2Tokens);
        if (!(k > 0)) {
            return 0;
        }
        double areaAfterCooldown = schedule.area(d2Tokens) + k * (schedule.lr(d2Tokens) + schedule.finalLr()) / 2;
        double lossAfterCooldown = curve(areaAfterCooldown, d2Tokens + k);
        return Math.max(0, lossAfterCooldown - curve(schedule.area(total), total)) / finalLoss();
    }

    @Override
    public double lr(double d2Tokens) {
        return schedule.lr(d2Tokens);
    }

    @Override
    public double loss(double d2Tokens) {
        double l = curve(schedule.area(d2Tokens), d2Tokens);
        if (d2Tokens > schedule.decayStartTokens() && schedule.type() != LrSchedule.Type.CONSTANT) {
            l -= annealCoefficient() * (schedule.peakLr() - schedule.lr(d2Tokens)) / schedule.peakLr();
        }
        return l;
    }

    @Override
    public double stableLoss(double d2Tokens) {
        return curve(schedule.stableArea(d2Tokens), d2Tokens);
    }

    /** The noise-free law part {@code E + B·D2^(−α)} at {@code d2Tokens}, without schedule or bump. */
    public double lawLoss(double d2Tokens) {
        return e + amplitude * Math.pow(ReuseLaw.billions(d2Tokens), -alpha);
    }

    /** The logged validation points up to {@code fraction} of the budget, in training order, with their LR. */
    public List<LossPoint> points(double fraction) {
        SplittableRandom random = new SplittableRandom(seed);
        long lastStep = (long) Math.floor(fraction * targetD2Tokens() / tokensPerStep);
        List<LossPoint> out = new ArrayList<>();
        double innovation = Math.sqrt(1 - noisePhi * noisePhi) * noise;
        double eps = noise * gaussian(random);
        boolean first = true;
        for (long step = evalEverySteps; step <= lastStep; step += evalEverySteps) {
            if (!first) {
                eps = noisePhi * eps + innovation * gaussian(random);
            }
            first = false;
            double d2 = (double) step * tokensPerStep;
            double l = loss(d2) * Math.exp(eps);
            out.add(new LossPoint(runId, null, step, d2, l, LossPoint.VAL, lr(d2), RunMeta.EMPTY));
        }
        return out;
    }

    /** C of the annealing term: a full decay to the final LR gains {@code annealGain × Lstable(stable end)}. */
    private double annealCoefficient() {
        double maxDrop = 1 - schedule.finalLr() / schedule.peakLr();
        if (maxDrop <= 0) {
            return 0;
        }
        return annealGain * stableLoss(schedule.stableEndTokens()) / maxDrop;
    }

    private double curve(double area, double d2Tokens) {
        double equivalent = area / schedule.peakLr();
        if (bumpHeight > 0) {
            double peak = powerLaw(schedule.stableArea(bumpTokens) / schedule.peakLr());
            if (d2Tokens <= bumpTokens) {
                return peak * (1 + bumpHeight * (0.5 + 0.5 * Math.max(0, d2Tokens) / bumpTokens));
            }
            return powerLaw(equivalent) + bumpHeight * peak * Math.exp(-(d2Tokens - bumpTokens) / bumpTokens);
        }
        return powerLaw(equivalent);
    }

    private double powerLaw(double equivalentTokens) {
        // A point at D2 = 0 has no area: cap the reducible part there rather than return infinity.
        double b = Math.max(ReuseLaw.billions(equivalentTokens), 1e-9);
        return e + amplitude * Math.pow(b, -alpha);
    }

    /** Standard normal draw by Box–Muller (SplittableRandom has no nextGaussian on Java 17). */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
