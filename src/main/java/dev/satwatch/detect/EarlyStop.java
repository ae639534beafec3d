package dev.satwatch.detect;

import dev.satwatch.estimate.RunEstimate;
import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.fit.LocalTrend;
import dev.satwatch.law.ReuseLaw;
import java.util.Objects;

/**
 * The early-stop policy (DESIGN §5): from one refit's {@link RunEstimate}, the relative loss a run gives up by
 * stopping now, with an upper bound, and whether that recommends a stop.
 *
 * <h2>The quantity</h2>
 *
 * Let {@code D} be the tokens seen, {@code T} the target, {@code c} the cooldown fraction (10 % unless configured),
 * so the planned stable phase ends at {@code D_end = (1 − c)·T} and a stop now still runs a cooldown of {@code K =
 * c·T}. Two cooldowns of the same shape, one now and one at {@code D_end}, differ by the stable-phase curve between
 * {@code D + K/2} and {@code D_end + K/2} (DESIGN §4b: a linear cooldown over K tokens adds the LR area of K/2
 * tokens; the annealing gain cancels). The loss given up is that difference relative to the loss at the end:
 *
 * <pre>
 *   g = (L(D + K/2) − L(D_end + K/2)) / L(D_end + K/2)
 * </pre>
 *
 * Without a target, {@code D_end = 2·D} and {@code K = 0}: the relative gain of the next doubling of tokens.
 *
 * <h2>Estimate and bound</h2>
 *
 * From the {@link LocalTrend} of the fit set (the last factor of two in D2):
 *
 * <ul>
 *   <li>point estimate: the local log-log line, {@code g = q^a − 1}, {@code q = (D_end + K/2)/(D + K/2)}, {@code a}
 *       its decay exponent;
 *   <li>bound g⁺: the larger of (1) the tangent bound {@code (−slope + t·se)·(D_end − D)} relative to the loss it
 *       leaves — every curve convex and decreasing in D2 lies above its tangent, so no power law {@code E + B·(D0 +
 *       D2)^(−α)} (the free-E fit, the law-E fit, a curve with an offset) consistent with the window can gain more;
 *       (2) the log-log line at its upper exponent, for curves that steepen in log-log.
 * </ul>
 *
 * Both need only the curve summary, so the tracker re-assesses on every point of the fitted split, not only on
 * refits: a stop is decided at the resolution of the logged points.
 *
 * A flat or rising curve is an answer: its slope bound is near 0, so g⁺ is small and tight. The rule judges from
 * {@code stopMinBudgetFraction} of the budget until the planned stable phase ends; a stop is recommended while
 * {@code g⁺ ≤ stopMaxLossGivenUp}. Tokens saved are {@code T − D − K}.
 *
 * <p>Immutable and thread-safe; never throws on NaN input.
 */
public final class EarlyStop {

    private final DetectConfig config;

    private EarlyStop(DetectConfig config) {
        this.config = config;
    }

    /** The policy with the given thresholds. */
    public static EarlyStop create(DetectConfig config) {
        return new EarlyStop(Objects.requireNonNull(config, "config"));
    }

    /** Whether the assessment recommends stopping now. */
    public boolean recommends(StopAssessment a) {
        return a.judged() && a.bounded() && a.lossGivenUpUpper() <= config.stopMaxLossGivenUp();
    }

    /** The decision quantity of one refit, savings priced at the configured cost rate. */
    public StopAssessment assess(RunEstimate est) {
        return assess(est, Double.NaN);
    }

    /**
     * The decision quantity of one refit.
     *
     * @param costPerBillionTokens the run's own cost rate ({@code cost_per_billion_tokens} on {@code run_started});
     *     NaN for the configured {@link DetectConfig#costPerBillionTokens()}
     */
    public StopAssessment assess(RunEstimate est, double costPerBillionTokens) {
        return assess(est.trend(), est.d2Tokens(), est.targetD2Tokens(), costPerBillionTokens);
    }

    /**
     * The decision quantity from the schedule-aware law (DESIGN §4b), for a run whose LR has decayed: g and g⁺ are the
     * forecast's (a cooldown now vs the rest of the plan, parameter uncertainty by the delta method). Judged from
     * {@code stopMinBudgetFraction} of the budget until the cooldown now would reach the target; tokens saved are
     * {@code T − D − K}.
     *
     * @param f the forecast
     * @param costPerBillionTokens the run's own cost rate; NaN for the configured one
     */
    public StopAssessment assess(ScheduleForecast f, double costPerBillionTokens) {
        return assess(f, null, costPerBillionTokens);
    }

    /**
     * As {@link #assess(ScheduleForecast, double)}, with g⁺ also at least the E-free log-log line's upper bound over
     * the last factor of two of every point after the warmup ({@code trend}, null or undefined to skip): a cooldown
     * now ends at {@code D + K}, the plan at {@code T}, so {@code g⁺ ≥ (T / (D + K))^a⁺ − 1}. On a decaying LR that
     * line also counts the annealing gained over the window, so it overstates what the rest of the plan gains;
     * it bounds what the schedule-aware law misses when its fit confuses the forward term with annealing.
     */
    public StopAssessment assess(ScheduleForecast f, LocalTrend trend, double costPerBillionTokens) {
        double target = f.targetD2Tokens();
        double now = f.d2Tokens();
        boolean hasTarget = target > 0 && target < Double.POSITIVE_INFINITY;
        double fraction = hasTarget ? now / target : Double.NaN;
        boolean lawless = !f.predicted();
        boolean lineDefined = trend != null && trend.defined();
        if (lawless && !(hasTarget && lineDefined && now > 0)) {
            return StopAssessment.none(fraction, Double.NaN, hasTarget, "schedule-aware law: " + f.note());
        }
        // Without a law (e.g. a flat curve whose α fit ends at its range's edge for every λ) the E-free log-log line
        // alone bounds g, with the configured cooldown.
        double k = lawless ? Math.min(config.cooldownFraction() * target, target - now) : f.cooldownTokens();
        double saved = Math.max(0.0, target - now - k);
        if (fraction < config.stopMinBudgetFraction()) {
            return StopAssessment.none(fraction, saved, false, "before the judged part of the budget");
        }
        if (now + k >= target) {
            return StopAssessment.none(fraction, 0.0, false, "inside the final cooldown");
        }
        double rate = Double.isNaN(costPerBillionTokens) ? config.costPerBillionTokens() : costPerBillionTokens;
        double cost = rate > 0 ? ReuseLaw.billions(saved) * rate : Double.NaN;
        if (lawless) {
            double q = target / (now + k);
            double upper = Math.pow(q, trend.exponentUpper()) - 1;
            double point = Math.min(Math.pow(q, trend.exponent()) - 1, upper);
            return new StopAssessment(
                    point, upper, fraction, saved, cost, target - k - now, true, "log-log line (" + f.note() + ")");
        }
        if (!Double.isFinite(f.lossGivenUpUpper())) {
            return StopAssessment.none(fraction, saved, true, "schedule-aware law: no finite bound");
        }
        double upper = f.lossGivenUpUpper();
        String note = "schedule-aware law";
        if (lineDefined) {
            double logLogUpper = Math.pow(target / (now + k), trend.exponentUpper()) - 1;
            if (logLogUpper > upper) {
                upper = logLogUpper;
                note = "schedule-aware law, log-log bound";
            }
        }
        double point = Math.min(f.lossGivenUp(), upper);
        return new StopAssessment(point, upper, fraction, saved, cost, target - k - now, true, note);
    }

    /** {@link #assess(LocalTrend, double, double, double)} at the configured cost rate. */
    public StopAssessment assess(LocalTrend trend, double now, double target) {
        return assess(trend, now, target, Double.NaN);
    }

    /**
     * The decision quantity from a curve's trend.
     *
     * @param trend the trend of the run's fit set ({@link LocalTrend#fit})
     * @param now D2 seen so far, tokens
     * @param target the D2 budget, NaN when unknown
     * @param costPerBillionTokens the run's own cost rate; NaN for the configured one
     */
    public StopAssessment assess(LocalTrend trend, double now, double target, double costPerBillionTokens) {
        boolean hasTarget = target > 0 && target < Double.POSITIVE_INFINITY;
        double fraction = hasTarget ? now / target : Double.NaN;
        double cooldown = hasTarget ? config.cooldownFraction() * target : 0.0;
        double end = hasTarget ? target - cooldown : 2 * now;
        double saved = hasTarget ? Math.max(0.0, target - now - cooldown) : Double.NaN;
        if (!(now > 0)) {
            return StopAssessment.none(fraction, saved, false, "no tokens yet");
        }
        if (hasTarget && fraction < config.stopMinBudgetFraction()) {
            return StopAssessment.none(fraction, saved, false, "before the judged part of the budget");
        }
        if (end <= now) {
            return StopAssessment.none(fraction, 0.0, false, "past the planned stable phase");
        }
        if (trend == null || !trend.defined()) {
            return StopAssessment.none(fraction, saved, true, "too few fit points for a trend");
        }
        double nowB = ReuseLaw.billions(now);
        double endB = ReuseLaw.billions(end);
        double shiftB = ReuseLaw.billions(cooldown / 2);
        double horizonB = endB - nowB;

        // Tangent bound: the loss at D from the line, minus the steepest fall the window allows over the horizon.
        double levelNow = trend.level() + trend.slope() * (nowB - trend.xNow());
        double tangentDrop = trend.fallRateUpper() * horizonB;
        double tangentEnd = levelNow - tangentDrop;
        double tangent = tangentEnd > 0 ? tangentDrop / tangentEnd : Double.POSITIVE_INFINITY;

        // Log-log line: L ∝ (D + K/2)^(−a), so g = q^a − 1.
        double q = (endB + shiftB) / (nowB + shiftB);
        double logLog = Math.pow(q, trend.exponent()) - 1;
        double logLogUpper = Math.pow(q, trend.exponentUpper()) - 1;

        double upper = tangent;
        String note = "tangent bound";
        if (logLogUpper > upper) {
            upper = logLogUpper;
            note = "log-log bound";
        }
        double point = Math.min(logLog, upper);
        double rate = Double.isNaN(costPerBillionTokens) ? config.costPerBillionTokens() : costPerBillionTokens;
        double cost = rate > 0 && Double.isFinite(saved) ? ReuseLaw.billions(saved) * rate : Double.NaN;
        return new StopAssessment(point, upper, fraction, saved, cost, end - now, true, note);
    }
}
