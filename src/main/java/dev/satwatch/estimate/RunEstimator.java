package dev.satwatch.estimate;

import dev.satwatch.event.RunMeta;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.fit.FitPoints;
import dev.satwatch.fit.FitResult;
import dev.satwatch.fit.LocalTrend;
import dev.satwatch.fit.LogLogSlope;
import dev.satwatch.fit.PowerLaw;
import dev.satwatch.fit.PowerLawFitter;
import dev.satwatch.fit.SlopeResult;
import dev.satwatch.law.ReuseLaw;

/**
 * Turns a run's {@link CurveSummary} into a {@link RunEstimate}: the one piece of estimation code shared
 * by the streaming topology and the offline {@code satwatch fit}.
 *
 * <p>Steps (DESIGN §4): take the summary's fit set (stable-LR bins after burn-in); fit
 * {@code L = E + B·D2^(−α)} (warm-started from the previous fit when given); compute the E-free and local
 * log-log slopes; with a law for the run's setting and a known D1, add the predicted exponent, a fit with
 * the law's E fixed and the law's loss at the target; project the run's own fit to the target D2 with a
 * 95 % interval.
 *
 * <p>Immutable and thread-safe; {@link #estimate} never throws on data problems (they show as NaN numbers
 * and a non-reliable fit).
 */
public final class RunEstimator {

    private final PowerLawFitter fitter;
    private final double trendWindow;

    private RunEstimator(PowerLawFitter fitter, double trendWindow) {
        this.fitter = fitter;
        this.trendWindow = trendWindow;
    }

    /** An estimator with the fitter's documented defaults and the default trend window. */
    public static RunEstimator create() {
        return new RunEstimator(PowerLawFitter.create(), LocalTrend.DEFAULT_WINDOW_RATIO);
    }

    /** An estimator using the given fitter. */
    public static RunEstimator using(PowerLawFitter fitter) {
        return new RunEstimator(fitter, LocalTrend.DEFAULT_WINDOW_RATIO);
    }

    /** This estimator with the {@link LocalTrend} window {@code ratio} (in (0, 1)). */
    public RunEstimator withTrendWindow(double ratio) {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException("trend window must be in (0, 1), got " + ratio);
        }
        return new RunEstimator(fitter, ratio);
    }

    /**
     * Estimates one run.
     *
     * @param runId the run
     * @param split the fitted series
     * @param meta the run's metadata (D1, setting, target)
     * @param summary the run's curve summary for that split
     * @param law the law of the run's setting, or null
     * @param warmStart the parameters of this run's previous converged fit, or null
     * @return the estimate
     */
    public RunEstimate estimate(
            String runId, String split, RunMeta meta, CurveSummary summary, ReuseLaw law, PowerLaw warmStart) {
        double target = meta.targetD2Tokens();
        FitPoints points = summary.fitPoints(target);
        FitResult fit = fitter.fit(points.x(), points.y(), points.w(), warmStart);
        SlopeResult logLog = LogLogSlope.fit(points.x(), points.y(), points.w());
        SlopeResult local = LogLogSlope.local(points.x(), points.y(), points.w());

        double d1 = ReuseLaw.billions(meta.d1Tokens());
        double targetB = ReuseLaw.billions(target);
        double nowB = ReuseLaw.billions(summary.maxD2Tokens());

        FitResult fixedE = null;
        double alphaPredicted = Double.NaN;
        double alphaPredictedStdErr = Double.NaN;
        double lawLoss = Double.NaN;
        if (law != null && meta.isReuse()) {
            alphaPredicted = law.alphaAt(d1);
            alphaPredictedStdErr = law.alphaStdErr(d1);
            lawLoss = law.loss(d1, targetB);
            if (law.e() < summary.minLoss()) {
                fixedE = fitter.fitFixedE(points.x(), points.y(), points.w(), law.e());
            }
        }

        double projected = Double.NaN;
        double projectedLow = Double.NaN;
        double projectedHigh = Double.NaN;
        double gain = Double.NaN;
        double remaining = Double.NaN;
        if (fit.converged()) {
            if (targetB > 0) {
                projected = fit.predict(targetB);
                FitResult.Interval interval = fit.predictInterval(targetB);
                projectedLow = interval.low();
                projectedHigh = interval.high();
                remaining = nowB > 0 ? Math.max(0.0, fit.predict(nowB) - projected) : Double.NaN;
            }
            if (nowB > 0) {
                // −∂L/∂D2 = α·B·D2^(−α−1) = α·(L − E)/D2, per billion tokens.
                gain = fit.alpha() * (fit.predict(nowB) - fit.e()) / nowB;
            }
        }
        return new RunEstimate(
                runId,
                meta.setting(),
                split,
                meta.d1Tokens(),
                target,
                summary.maxD2Tokens(),
                summary.lastLoss(),
                points.rawPoints(),
                points.size(),
                fit,
                logLog,
                local,
                fixedE,
                alphaPredicted,
                alphaPredictedStdErr,
                projected,
                projectedLow,
                projectedHigh,
                lawLoss,
                gain,
                remaining,
                LocalTrend.fit(points, trendWindow));
    }
}
