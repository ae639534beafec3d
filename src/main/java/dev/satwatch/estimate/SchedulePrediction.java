package dev.satwatch.estimate;

import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.fit.AnnealingFit;
import dev.satwatch.fit.AnnealingPoints;
import dev.satwatch.fit.AnnealingResult;
import dev.satwatch.fit.FloorFreeAnnealing;
import dev.satwatch.fit.ScheduleState;
import dev.satwatch.fit.ScheduleSummary;

/**
 * What a fitted annealing law says about the rest of a run (DESIGN §4b, §5): the loss at the planned end of its
 * schedule, the loss if it cooled down now over K tokens, both with 95 % intervals, the predicted curve for the rest
 * of the plan, and the decision quantity g (the relative loss given up by cooling down now instead of following the
 * plan) with its one-sided upper 95 % bound g⁺.
 *
 * <h2>The two futures</h2>
 *
 * Both start from the run's sums now ({@link ScheduleState}) and advance them in closed form along an LR path:
 *
 * <ul>
 *   <li><b>the plan</b>: the {@code schedule} of {@code run_started}, its shape scaled to the run's own peak LR (so a
 *       plan whose {@code peak_lr} is in other units still has the right shape), from now to the target; without
 *       one, the plan is inferred ({@link #scheduleSource()}): a run still at its peak LR is a WSD run with a linear
 *       cooldown over the last {@code cooldownFraction} of the budget; a decaying run follows the cosine or linear
 *       decay from its warmup to the target that matches its LR now within 5 %, else a linear decay from its LR now
 *       to 0 at the target.
 *   <li><b>a cooldown now</b>: over K tokens (the plan's WSD cooldown fraction of the budget, else {@code
 *       cooldownFraction}), of the plan's cooldown shape (linear or 1-sqrt), from the LR now to the plan's final LR
 *       (scaled like the plan; 0 when not given), ending at most at the target.
 * </ul>
 *
 * <h2>g and its bound</h2>
 *
 * {@code g = (L_cooldown_now − L_plan_end) / L_plan_end}, and g⁺ = g + 1.645·se(g), se from the law's parameter
 * covariance by the delta method on the difference (L0 cancels; so does most of C's uncertainty when both futures
 * end with a cooldown of the same shape). A run that has not decayed its LR yet cannot show C: with the setting's C
 * (calibrated from its finished runs that decayed, {@link #annealingC}, carried by the law) the law is fitted with that
 * C, and the absolute losses include the cooldown gain; without one it is fitted with C = 0, the two absolute losses
 * miss the cooldown gain and {@link ScheduleForecast#cKnown()} is false. Either way g is the difference DESIGN §4b
 * describes, which needs no C.
 *
 * <p>Immutable; {@link #none} when the law or the inputs do not allow a prediction.
 *
 * <p>Stateless.
 */
public final class SchedulePrediction {

    /** Knots of the predicted curve (and of the closed-form walk along the plan). */
    public static final int KNOTS = 32;

    /** Knots of the walk along a cooldown. */
    static final int COOLDOWN_KNOTS = 16;

    /** One-sided 95 % normal quantile. */
    static final double Z_ONE_SIDED = 1.6448536269514722;

    /** Two-sided 95 % normal quantile. */
    static final double Z_TWO_SIDED = 1.959963984540054;

    /** Relative LR mismatch under which an inferred decay is taken to be the run's. */
    static final double INFER_TOLERANCE = 0.05;

    /** Fewest schedule bins a forecast is made from: four parameters and two degrees of freedom. */
    public static final int MIN_BINS = 6;

    /** The default λ (0.999, DESIGN §4b) for a run whose C cannot be fitted yet. */
    static final int DEFAULT_LAMBDA_INDEX = 4;

    private static final AnnealingFit FIT = AnnealingFit.create();

    private SchedulePrediction() {}

    /**
     * {@link #forecast(ScheduleSummary, double, PlannedSchedule, double, double, double)} without a setting C: a run
     * that has not decayed its LR is fitted with C = 0.
     */
    public static ScheduleForecast forecast(
            ScheduleSummary summary,
            double tokensPerStep,
            PlannedSchedule planned,
            double target,
            double cooldownFraction) {
        return forecast(summary, tokensPerStep, planned, target, cooldownFraction, Double.NaN);
    }

    /**
     * A finished run's own C of the annealing law: fitted with C free at λ = 0.999 on all its schedule bins when its
     * LR decayed ({@link ScheduleSummary#decayed()}) and it has at least {@link #MIN_BINS} of them; {@code NaN}
     * otherwise or when the fit did not converge. The setting's C is the median of these ({@code
     * LawCalibrator.cooldownC}).
     *
     * @param summary the run's schedule summary, null for none
     */
    public static double annealingC(ScheduleSummary summary) {
        if (summary == null || !summary.decayed() || summary.binCount() < MIN_BINS) {
            return Double.NaN;
        }
        AnnealingResult law = FIT.fit(summary.points(), DEFAULT_LAMBDA_INDEX);
        return law.converged() ? law.c() : Double.NaN;
    }

    /**
     * The forecast of one split's schedule summary: the annealing law fitted on its bins (L0, A, α, C free and λ
     * chosen once the LR has decayed, {@link ScheduleSummary#decayed()}; else at λ = 0.999 with the setting's C when
     * it is finite and positive, and with C = 0 otherwise, since a constant LR cannot show C), then {@link #of}.
     *
     * @param summary the split's schedule summary
     * @param tokensPerStep tokens per step, 0 or NaN to infer
     * @param planned the planned schedule, null when not given
     * @param target the D2 budget
     * @param cooldownFraction the cooldown fraction of the budget when the plan does not give one
     * @param settingC the setting's C ({@code ReuseLaw.cooldownC()}), NaN when not known; used only while the run has
     *     not decayed its LR
     * @return the forecast; {@link ScheduleForecast#predicted()} false (with the reason) when it cannot be made
     */
    public static ScheduleForecast forecast(
            ScheduleSummary summary,
            double tokensPerStep,
            PlannedSchedule planned,
            double target,
            double cooldownFraction,
            double settingC) {
        double d2 = summary.maxD2Tokens();
        if (!(target > 0 && target < Double.POSITIVE_INFINITY)) {
            return ScheduleForecast.none(d2, target, "no target budget");
        }
        if (d2 >= target) {
            return ScheduleForecast.none(d2, target, "past the target");
        }
        if (summary.binCount() < MIN_BINS) {
            return ScheduleForecast.none(
                    d2,
                    target,
                    "only " + summary.binCount() + " schedule bins after the warmup (need " + MIN_BINS + ")");
        }
        AnnealingPoints points = summary.points();
        ScheduleState now = summary.state();
        if (!summary.decayed()) {
            boolean cKnown = Double.isFinite(settingC) && settingC > 0;
            AnnealingResult law = FIT.fitWithC(points, cKnown ? settingC : 0, DEFAULT_LAMBDA_INDEX);
            return of(law, null, now, d2, tokensPerStep, planned, target, cooldownFraction, cKnown);
        }
        // λ is the model's least determined choice: on a decaying prefix every λ of the grid fits about as well, yet
        // they disagree several-fold on what a cooldown now gains (on the OLMo-2 cosine ladder at 50 %: g from 0.6 %
        // at λ = 0.95 to 3.5 % at 0.9995, BENCHMARKS §10.4). The point forecast is the best-fitting λ's; g⁺ is the
        // largest over the grid, so the bound carries that model uncertainty as well as the parameters'.
        ScheduleForecast best = null;
        double bestRss = Double.POSITIVE_INFINITY;
        double upper = Double.NEGATIVE_INFINITY;
        String why = "the schedule-aware law did not converge for any λ";
        for (int k = 0; k < ScheduleState.LAMBDA_COUNT; k++) {
            AnnealingResult law = FIT.fit(points, k);
            if (!law.converged()) {
                continue;
            }
            ScheduleForecast f = of(law, points, now, d2, tokensPerStep, planned, target, cooldownFraction);
            if (!f.predicted()) {
                why = f.note();
                continue;
            }
            upper = Math.max(
                    upper, Double.isNaN(f.lossGivenUpUpper()) ? Double.POSITIVE_INFINITY : f.lossGivenUpUpper());
            if (law.rss() < bestRss) {
                bestRss = law.rss();
                best = f;
            }
        }
        if (best == null) {
            return ScheduleForecast.none(d2, target, why);
        }
        return best.withLossGivenUpUpper(Math.max(upper, best.lossGivenUp()));
    }

    /**
     * The prediction of a fitted law from the sums now.
     *
     * @param law the annealing law fitted on the run's points so far
     * @param now the run's sums at its last point
     * @param d2Now tokens seen
     * @param tokensPerStep tokens per optimizer step; 0 or NaN to infer from {@code d2Now} and the step now
     * @param planned the planned schedule, null when not given
     * @param target the D2 budget
     * @param cooldownFraction the fraction of the budget a cooldown takes when the plan does not say
     */
    public static ScheduleForecast of(
            AnnealingResult law,
            ScheduleState now,
            double d2Now,
            double tokensPerStep,
            PlannedSchedule planned,
            double target,
            double cooldownFraction) {
        return of(law, null, now, d2Now, tokensPerStep, planned, target, cooldownFraction);
    }

    /**
     * {@link #of(AnnealingResult, ScheduleState, double, double, PlannedSchedule, double, double)} with the points
     * the law was fitted on, so that g⁺ also covers the floor-free model ({@link FloorFreeAnnealing}).
     */
    static ScheduleForecast of(
            AnnealingResult law,
            AnnealingPoints points,
            ScheduleState now,
            double d2Now,
            double tokensPerStep,
            PlannedSchedule planned,
            double target,
            double cooldownFraction) {
        return of(
                law,
                points,
                now,
                d2Now,
                tokensPerStep,
                planned,
                target,
                cooldownFraction,
                law != null && !law.cFixed());
    }

    /** The prediction, {@code cKnown} saying whether the law's C is fitted or the setting's (not a stand-in 0). */
    private static ScheduleForecast of(
            AnnealingResult law,
            AnnealingPoints points,
            ScheduleState now,
            double d2Now,
            double tokensPerStep,
            PlannedSchedule planned,
            double target,
            double cooldownFraction,
            boolean cKnown) {
        if (law == null || !Double.isFinite(law.l0()) || !Double.isFinite(law.alpha())) {
            return ScheduleForecast.none(d2Now, target, "no schedule fit");
        }
        if (!(target > 0 && target < Double.POSITIVE_INFINITY)) {
            return ScheduleForecast.none(d2Now, target, "no target budget");
        }
        if (!(d2Now > 0) || d2Now >= target) {
            return ScheduleForecast.none(d2Now, target, "past the target");
        }
        double tps = tokensPerStep > 0 ? tokensPerStep : (now.step() > 0 ? d2Now / now.step() : Double.NaN);
        if (!(tps > 0) || !Double.isFinite(tps)) {
            return ScheduleForecast.none(d2Now, target, "no steps to place the schedule");
        }
        double peak = now.maxLr();
        double lrNow = now.lr();
        if (!(peak > 0) || !(lrNow >= 0)) {
            return ScheduleForecast.none(d2Now, target, "no learning rate");
        }
        double warm = now.peakStep() * tps;
        Plan plan = plan(planned, peak, lrNow, warm, d2Now, target, cooldownFraction, now.s1() * tps);
        String source = now.hasLr() ? plan.source : plan.source + " (no LR logged: a constant LR assumed)";
        double k = Math.min(plan.cooldownTokens, target - d2Now);

        // The plan, knot by knot to the target.
        ScheduleState end = now.copy();
        double[] cd2 = new double[KNOTS];
        double[] closs = new double[KNOTS];
        for (int i = 1; i <= KNOTS; i++) {
            double d = ScheduleForecast.knotD2(d2Now, target, i, KNOTS);
            end.advance(d / tps, plan.lrAt(d));
            cd2[i - 1] = d;
            // Floats: a curve to draw, stored in the run state at 4 bytes a knot.
            closs[i - 1] = (float) law.predict(end);
        }
        // A cooldown now, over k tokens.
        ScheduleState cd = now.copy();
        for (int i = 1; i <= COOLDOWN_KNOTS; i++) {
            double u = (double) i / COOLDOWN_KNOTS;
            double shape = plan.oneMinusSqrt ? Math.sqrt(u) : u;
            cd.advance((d2Now + k * u) / tps, lrNow - (lrNow - Math.min(lrNow, plan.finalLr)) * shape);
        }
        int li = law.lambdaIndex();
        double lEnd = law.predict(end);
        double lCd = law.predict(cd);
        double seEnd = law.predictStdErr(end.s1(), end.s2(li));
        double seCd = law.predictStdErr(cd.s1(), cd.s2(li));
        double seDiff = diffStdErr(law, cd, end);
        double g = (lCd - lEnd) / lEnd;
        double gUpper = Double.isFinite(seDiff) ? g + Z_ONE_SIDED * seDiff / lEnd : Double.NaN;
        if (points != null && Double.isFinite(gUpper)) {
            // The floor-free model bounds what the law's floor may hide (DESIGN §5: the E-free log-log line).
            double floorFree = FloorFreeAnnealing.upper(points, li, cd, end, Z_ONE_SIDED);
            if (!Double.isNaN(floorFree)) {
                gUpper = Math.max(gUpper, floorFree);
            }
        }
        if (!Double.isFinite(g) || !(lEnd > 0)) {
            return ScheduleForecast.none(d2Now, target, "the law predicts no positive loss at the planned end");
        }
        return new ScheduleForecast(
                d2Now,
                target,
                k,
                lEnd,
                lEnd - Z_TWO_SIDED * seEnd,
                lEnd + Z_TWO_SIDED * seEnd,
                lCd,
                lCd - Z_TWO_SIDED * seCd,
                lCd + Z_TWO_SIDED * seCd,
                g,
                gUpper,
                cd2,
                closs,
                cKnown,
                source,
                null);
    }

    /** Standard error of L(a) − L(b) from the law's covariance (delta method; L0 cancels). */
    static double diffStdErr(AnnealingResult law, ScheduleState a, ScheduleState b) {
        double[] cov = law.covariance();
        if (cov == null) {
            return Double.NaN;
        }
        int li = law.lambdaIndex();
        double ua = Math.pow(a.s1(), -law.alpha());
        double ub = Math.pow(b.s1(), -law.alpha());
        double[] grad = law.cFixed()
                ? new double[] {0, ua - ub, -law.a() * (Math.log(a.s1()) * ua - Math.log(b.s1()) * ub)}
                : new double[] {
                    0, ua - ub, -law.a() * (Math.log(a.s1()) * ua - Math.log(b.s1()) * ub), -(a.s2(li) - b.s2(li))
                };
        int p = grad.length;
        if (cov.length != p * p) {
            return Double.NaN;
        }
        double v = 0;
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                v += grad[i] * cov[i * p + j] * grad[j];
            }
        }
        return v >= 0 ? Math.sqrt(v) : Double.NaN;
    }

    /** The area under a plan's LR from 0 to {@code d2} (LR × tokens), by the midpoint rule on {@link #KNOTS} knots. */
    static double area(PlannedSchedule s, double d2, double target) {
        double h = d2 / KNOTS;
        double sum = 0;
        for (int i = 0; i < KNOTS; i++) {
            sum += s.lrAt((i + 0.5) * h, 0, target);
        }
        return sum * h;
    }

    /** The LR path of the plan, in the run's LR units. */
    private record Plan(
            PlannedSchedule shape,
            double scale,
            double target,
            double cooldownTokens,
            double finalLr,
            boolean oneMinusSqrt,
            String source,
            double fromD2,
            double fromLr) {

        double lrAt(double d2) {
            if (shape == null) {
                // A decay in progress: linear from the LR now to 0 at the target.
                return fromLr * Math.max(0, (target - d2) / (target - fromD2));
            }
            return shape.lrAt(d2, 0, target) * scale;
        }
    }

    private static Plan plan(
            PlannedSchedule planned,
            double peak,
            double lrNow,
            double warm,
            double d2Now,
            double target,
            double cooldownFraction,
            double areaTokens) {
        double c = cooldownFraction > 0 && cooldownFraction < 1 ? cooldownFraction : 0.1;
        if (planned != null && Double.isFinite(planned.peakLr()) && planned.peakLr() > 0) {
            double scale = peak / planned.peakLr();
            boolean wsd = PlannedSchedule.WSD.equals(planned.type());
            double cdFraction = wsd && planned.cooldownFraction() > 0 ? planned.cooldownFraction() : c;
            double fin = Double.isFinite(planned.finalLr()) ? planned.finalLr() * scale : 0;
            return new Plan(
                    planned,
                    scale,
                    target,
                    cdFraction * target,
                    fin,
                    PlannedSchedule.ONE_MINUS_SQRT.equals(planned.cooldownShape()),
                    "planned",
                    d2Now,
                    lrNow);
        }
        double w = Math.min(warm, 0.5 * target);
        if (lrNow >= (1 - 1e-3) * peak) {
            PlannedSchedule wsd = new PlannedSchedule(PlannedSchedule.WSD, w, c, PlannedSchedule.LINEAR, peak, 0);
            return new Plan(wsd, 1, target, c * target, 0, false, "inferred: wsd", d2Now, lrNow);
        }
        String[] types = {PlannedSchedule.COSINE, PlannedSchedule.LINEAR};
        PlannedSchedule best = null;
        double bestErr = Double.POSITIVE_INFINITY;
        double x = (d2Now - w) / (target - w);
        for (String type : types) {
            // The final LR that puts this shape through the LR now (a decay need not end at 0)...
            double shape = PlannedSchedule.COSINE.equals(type) ? 0.5 * (1 + Math.cos(Math.PI * x)) : 1 - x;
            if (!(x > 0 && x < 1) || !(shape < 1 - 1e-9)) {
                continue;
            }
            double fin = (lrNow - peak * shape) / (1 - shape);
            if (!(fin > -INFER_TOLERANCE * peak && fin < 0.9 * peak)) {
                continue;
            }
            PlannedSchedule s = new PlannedSchedule(type, w, Double.NaN, null, peak, Math.max(0, fin));
            // ...and the area under the LR so far (S1) tells the shapes apart: at mid-run both are at half the peak,
            // but a cosine has swept 0.41 of peak × span and a linear decay 0.375.
            double err = Math.abs(s.lrAt(d2Now, 0, target) - lrNow) / peak
                    + Math.abs(area(s, d2Now, target) - areaTokens) / areaTokens;
            if (err < bestErr) {
                bestErr = err;
                best = s;
            }
        }
        if (best != null && bestErr <= INFER_TOLERANCE) {
            return new Plan(
                    best, 1, target, c * target, best.finalLr(), false, "inferred: " + best.type(), d2Now, lrNow);
        }
        return new Plan(null, 1, target, c * target, 0, false, "inferred: decay from now", d2Now, lrNow);
    }
}
